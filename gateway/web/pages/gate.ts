/** The pages' door: a page needs a session (else the sign-in form, then back) and its permission (else 403). */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Store } from "../../store/store.ts";
import { messagePage } from "../layout.ts";
import { may, ROLE_NAMES, type Permission, type Role } from "../roles.ts";

/** Which role grants each permission, for the refusal's words. */
const WHO: Record<Permission, Role[]> = { read: ["manager"], review: ["expert"], terminals: ["installer"], alerts: ["expert", "installer", "admin"], users: ["admin"] };

export function gate(store: Store, permission: Permission) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.auth) return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
    if (!may(req.auth.user.roles, permission)) {
      const roles = WHO[permission].map((r) => ROLE_NAMES[r]).join(", ");
      return reply.code(403).type("text/html; charset=utf-8").send(messagePage({ title: "Нет доступа", text: `Этот раздел открыт только для ролей: ${roles}. Роли назначает администратор.`, auth: req.auth, store }));
    }
  };
}
