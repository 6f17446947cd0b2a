/**
 * `loyalty users`: the web app's users (docs/web.md#users-and-roles): add, passwd, set-roles, remove, list. The
 * password comes from a hidden prompt or --password-stdin, never from an argument. Changes are audited as via cli,
 * under the system user's name.
 */
import type { Command } from "commander";
import { table } from "../reports/table.ts";
import type { Actor } from "../store/audit.ts";
import { ROLES, rolesInWords } from "../web/roles.ts";
import { addUser, checkLogin, existingUser, removeUser, rolesOf, setPassword, setRoles } from "../web/users.ts";
import { GatewayError } from "../errors.ts";
import type { CliIo } from "./io.ts";
import { withDbFlags, withStore, type DbFlags } from "./open.ts";
import { readPassword } from "./secret-input.ts";

const cli = (): Actor => ({ by: process.env.USER ?? "cli", userId: null, via: "cli" });
const ROLE_HELP = `comma list of ${ROLES.join(", ")}: manager reads, expert reviews, installer pairs and sets up terminals, admin manages users`;

export function registerUsers(program: Command, io: CliIo): void {
  const users = program.command("users").description("users of the web app: their roles and passwords");

  withDbFlags(users.command("list", { isDefault: true }).description("every user with their roles")).action((f: DbFlags) =>
    withStore(f, (store) => {
      const rows = store.users.all().map((u) => [u.login, u.name ?? "-", u.roles.join(","), rolesInWords(u.roles)]);
      io.out(rows.length ? table(["login", "name", "roles", "роли"], rows) : "No users yet. Create the first admin: loyalty users add <login> --role admin\n");
    }),
  );

  withDbFlags(
    users
      .command("add")
      .argument("<login>", "the name to sign in with, e.g. anna")
      .requiredOption("--role <roles>", ROLE_HELP)
      .option("--name <name>", "a readable name shown in the header")
      .option("--password-stdin", "read the password from standard input instead of asking"),
  )
    .description("add a user; asks for the password")
    .action((login: string, f: DbFlags & { role: string; name?: string; passwordStdin?: boolean }) =>
      withStore(f, async (store) => {
        /* Everything but the password is checked before asking for it. */
        const l = checkLogin(login);
        rolesOf(f.role, "--role");
        if (store.users.byLogin(l)) throw new GatewayError("conflict", `a user "${l}" exists already; change their password (loyalty users passwd) or roles (loyalty users set-roles) instead`);
        const password = await readPassword({ stdin: f.passwordStdin === true, login });
        const u = await addUser(store, { login, name: f.name, roles: f.role, password }, cli(), Date.now());
        io.out(`User ${u.login} added (${u.roles.join(", ")}). They sign in at the gateway's web address, e.g. http://127.0.0.1:8080/\n`);
      }),
    );

  withDbFlags(users.command("passwd").argument("<login>").option("--password-stdin", "read the new password from standard input instead of asking"))
    .description("set a user's password; signs them out everywhere")
    .action((login: string, f: DbFlags & { passwordStdin?: boolean }) =>
      withStore(f, async (store) => {
        existingUser(store, login);
        const password = await readPassword({ stdin: f.passwordStdin === true, login });
        const ended = await setPassword(store, login, password, cli(), Date.now());
        io.out(`Password of ${login} changed${ended ? `; ${ended} session(s) ended` : ""}.\n`);
      }),
    );

  withDbFlags(users.command("set-roles").argument("<login>").argument("<roles>", ROLE_HELP))
    .description("replace a user's roles")
    .action((login: string, roles: string, f: DbFlags) =>
      withStore(f, (store) => {
        const u = setRoles(store, login, roles, cli(), Date.now());
        io.out(`${u.login}: ${u.roles.join(", ")}.\n`);
      }),
    );

  withDbFlags(users.command("remove").argument("<login>"))
    .description("remove a user; their sessions end, their reviews stay in the audit log")
    .action((login: string, f: DbFlags) =>
      withStore(f, (store) => {
        const u = removeUser(store, login, cli(), Date.now());
        io.out(`User ${u.login} removed; their sessions ended.\n`);
      }),
    );
}
