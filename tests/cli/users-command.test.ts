/**
 * `loyalty users` as a person runs it: the real `loyalty` executable, the password on standard input
 * (--password-stdin) and never in argv, a real SQLite file. Errors are words, and leave the users as they were.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openStore } from "../../gateway/store/store.ts";
import { resolveSession, signIn } from "../../gateway/web/session.ts";
import { runCli } from "../support/cli.ts";

const bin = join(import.meta.dirname, "../../bin/loyalty.js");

function loyalty(db: string, args: string[], stdin?: string) {
  const r = spawnSync(process.execPath, [bin, ...args, "--db", db], { input: stdin ?? "", encoding: "utf8", env: { ...process.env, USER: "root-tester" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("loyalty users", () => {
  it("adds, lists, changes roles and passwords, removes; a new password and removal end sessions", async () => {
    const db = join(mkdtempSync(join(tmpdir(), "lb-users-")), "loyalty.sqlite");
    expect(loyalty(db, ["users", "list"]).out).toContain("loyalty users add <login> --role admin");

    let r = loyalty(db, ["users", "add", "anna", "--role", "admin,expert", "--name", "Анна", "--password-stdin"], "first-password\n");
    expect(r).toMatchObject({ code: 0, err: "" });
    expect(r.out).toContain("User anna added (expert, admin)");
    r = loyalty(db, ["users", "add", "boris", "--role", "manager", "--password-stdin"], "boris-password\n");
    expect(r.code).toBe(0);
    r = loyalty(db, ["users"]);
    expect(r.out.split("\n").slice(1, 3)).toEqual([expect.stringMatching(/^anna\s+Анна\s+expert,admin\s+эксперт, администратор$/), expect.stringMatching(/^boris\s+-\s+manager\s+менеджер$/)]);

    /* The stored password is a hash that signs in; the session it opens ends when the password changes. */
    let store = openStore(db);
    expect(store.users.byLogin("anna")!.password).toMatch(/^scrypt\$/);
    expect(store.users.byLogin("anna")!.password).not.toContain("first-password");
    const s = await signIn(store, "anna", "first-password", 1_000);
    expect(s).toBeDefined();
    expect(await signIn(store, "anna", "wrong-password", 1_000)).toBeUndefined();
    store.close();
    r = loyalty(db, ["users", "passwd", "anna", "--password-stdin"], "second-password\n");
    expect(r).toMatchObject({ code: 0, out: "Password of anna changed; 1 session(s) ended.\n" });
    store = openStore(db);
    expect(resolveSession(store, s!.token, 2_000)).toBeUndefined();
    expect(await signIn(store, "anna", "first-password", 3_000)).toBeUndefined();
    const boris = await signIn(store, "boris", "boris-password", 3_000);
    expect(boris).toBeDefined();
    store.close();

    expect(loyalty(db, ["users", "set-roles", "boris", "expert,installer"]).out).toBe("boris: expert, installer.\n");
    expect(loyalty(db, ["users", "remove", "boris"])).toMatchObject({ code: 0, out: "User boris removed; their sessions ended.\n" });
    store = openStore(db);
    expect(resolveSession(store, boris!.token, 4_000)).toBeUndefined();
    expect(store.audit.recent(10).map((e) => [e.action, e.subject, e.by, e.via])).toEqual([
      ["user.remove", "boris", "root-tester", "cli"],
      ["user.roles", "boris", "root-tester", "cli"],
      ["user.password", "anna", "root-tester", "cli"],
      ["user.add", "boris", "root-tester", "cli"],
      ["user.add", "anna", "root-tester", "cli"],
    ]);
    store.close();
  }, 120_000);

  it("answers mistakes in words and changes nothing", async () => {
    const db = join(mkdtempSync(join(tmpdir(), "lb-users-")), "loyalty.sqlite");
    expect(loyalty(db, ["users", "add", "anna", "--role", "admin", "--password-stdin"], "good-password\n").code).toBe(0);
    const short = loyalty(db, ["users", "add", "bob", "--role", "manager", "--password-stdin"], "short\n");
    expect(short).toMatchObject({ code: 2, err: "a password has at least 8 characters\n" });
    /* The rest fail before any password is read, so they run in-process (this test's stdin is no terminal). */
    const cases: [string[], string][] = [
      [["users", "add", "bob", "--role", "boss", "--password-stdin"], '--role: unknown role "boss" (use manager, expert, installer, admin)'],
      [["users", "add", "bob", "--role", "manager"], "pipe it in with --password-stdin"],
      [["users", "add", "ANNA", "--role", "manager", "--password-stdin"], 'a user "ANNA" exists already'],
      [["users", "add", "two words", "--role", "manager", "--password-stdin"], 'login "two words": 1 to 64 letters'],
      [["users", "passwd", "nobody", "--password-stdin"], 'no user "nobody" (users: anna)'],
      [["users", "remove", "anna"], "anna is the only admin and cannot be removed"],
      [["users", "set-roles", "anna", "manager"], "anna is the only admin: make someone else an admin first"],
    ];
    for (const [args, words] of cases) {
      const r = await runCli(...args, "--db", db);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err, args.join(" ")).toContain(words);
      expect(r.err).not.toMatch(/at .*\.ts:\d+|ZodError|undefined/);
    }
    expect((await runCli("users", "--db", db)).out.trim().split("\n")).toHaveLength(2);
  }, 120_000);
});
