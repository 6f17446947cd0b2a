/**
 * Roles and what each allows (docs/web.md#users-and-roles). A user holds a set of roles: in a small store one person
 * is often both the expert and the installer, and a set says so without inventing combined roles. Every signed-in
 * user may read (dashboard, reports); the other permissions each belong to one role, except acting on alerts.
 */
import { z } from "zod";

export const ROLES = ["manager", "expert", "installer", "admin"] as const;
export const role = z.enum(ROLES);
export type Role = z.infer<typeof role>;

/** Russian names, as the pages and the CLI's list show them. */
export const ROLE_NAMES: Record<Role, string> = { manager: "менеджер", expert: "эксперт", installer: "монтажник", admin: "администратор" };

export type Permission = "read" | "review" | "terminals" | "alerts" | "users";

const GRANTS: Record<Permission, readonly Role[]> = {
  read: ROLES,
  review: ["expert"],
  terminals: ["installer"],
  /* Alerts are about the figures (the expert's) and the devices (the installer's); the admin sets up their delivery. */
  alerts: ["expert", "installer", "admin"],
  users: ["admin"],
};

export function may(roles: readonly string[], p: Permission): boolean {
  return GRANTS[p].some((r) => roles.includes(r));
}

/** A comma list of roles (`expert,installer`), checked, without repeats, in ROLES order; an error names the bad one. */
export function parseRoles(text: string | readonly string[], where: string): Role[] | string {
  const given = (typeof text === "string" ? text.split(",") : [...text]).map((x) => x.trim().toLowerCase()).filter(Boolean);
  if (given.length === 0) return `${where}: give at least one role (${ROLES.join(", ")})`;
  const bad = given.find((r) => !(ROLES as readonly string[]).includes(r));
  if (bad !== undefined) return `${where}: unknown role "${bad}" (use ${ROLES.join(", ")})`;
  return ROLES.filter((r) => given.includes(r));
}

export const rolesInWords = (roles: readonly string[]) => roles.map((r) => ROLE_NAMES[r as Role] ?? r).join(", ");
