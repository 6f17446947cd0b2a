/** The web app's pure rules, table-driven: the guard's web routes, roles and permissions, redirects, escaping, hashes. */
import { describe, expect, it } from "vitest";
import { judge, type RequestFacts } from "../../gateway/http/guard.ts";
import { html } from "../../gateway/web/html.ts";
import { hashPassword, verifyPassword } from "../../gateway/web/password.ts";
import { safeNext } from "../../gateway/web/pages/sign-in.ts";
import { may, parseRoles } from "../../gateway/web/roles.ts";
import { MAX_FAILURES, SignInThrottle, WINDOW_MS } from "../../gateway/web/throttle.ts";

const facts = (o: Partial<RequestFacts>): RequestFacts => ({ method: "GET", host: "127.0.0.1:8080", origin: undefined, secFetchSite: undefined, remoteAddress: "127.0.0.1", token: undefined, session: false, ...o });
const guard = (token?: string) => ({ allowedHosts: new Set(["127.0.0.1", "localhost"]), token, port: 8080 });

describe("the guard and the web app's routes", () => {
  it.each([
    ["a page without token or session, token configured", facts({ web: true }), "secret-token-0123456", true],
    ["a sign-in post from the LAN, token configured", facts({ web: true, method: "POST", remoteAddress: "192.168.1.20" }), "secret-token-0123456", true],
    ["a page under a rebound name", facts({ web: true, host: "evil.example:8080" }), undefined, 421],
    ["an API read without token, token configured", facts({}), "secret-token-0123456", 401],
    ["an API read with a session, token configured", facts({ session: true }), "secret-token-0123456", true],
    ["an API change from another site without session, no token", facts({ method: "POST", origin: "http://evil.example" }), undefined, 403],
  ])("%s", (_, f, token, expected) => {
    const v = judge(f, guard(token));
    expect(v.ok ? true : v.status).toBe(expected);
  });
});

describe("roles", () => {
  it.each([
    ["expert,installer", ["expert", "installer"]],
    [" Admin , manager,admin", ["manager", "admin"]],
    ["", "roles: give at least one role (manager, expert, installer, admin)"],
    ["expert,boss", 'roles: unknown role "boss" (use manager, expert, installer, admin)'],
  ])("parses %j", (text, expected) => expect(parseRoles(text, "roles")).toEqual(expected));

  it.each([
    [["manager"], { read: true, review: false, terminals: false, alerts: false, users: false }],
    [["expert"], { read: true, review: true, terminals: false, alerts: true, users: false }],
    [["installer"], { read: true, review: false, terminals: true, alerts: true, users: false }],
    [["admin"], { read: true, review: false, terminals: false, alerts: true, users: true }],
    [["expert", "installer"], { read: true, review: true, terminals: true, alerts: true, users: false }],
  ])("%j may", (roles, grants) => {
    for (const [p, yes] of Object.entries(grants)) expect(may(roles, p as "read"), p).toBe(yes);
  });
});

describe("pages", () => {
  it.each([
    ["/users", "/users"],
    ["/?a=1", "/?a=1"],
    [undefined, "/"],
    ["//evil.example/", "/"],
    ["/\\evil.example", "/"],
    ["https://evil.example/", "/"],
    ["/login?next=/x", "/"],
  ])("after sign-in, next %j leads to %j", (next, to) => expect(safeNext(next)).toBe(to));

  it("escapes every value but nested html", () => {
    const name = `<script>alert("x")</script>`;
    expect(html`<p title="${name}">${name}${html`<b>${"&"}</b>`}${[html`<i>1</i>`, "<2>"]}</p>`.text).toBe(
      `<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<b>&amp;</b><i>1</i>&lt;2&gt;</p>`,
    );
  });
});

describe("passwords", () => {
  it("verifies the password hashed, refuses others, and salts each hash", async () => {
    const a = await hashPassword("пароль-для-теста");
    const b = await hashPassword("пароль-для-теста");
    expect(a).toMatch(/^scrypt\$32768\$8\$4\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("пароль-для-теста", a)).toBe(true);
    expect(await verifyPassword("пароль-для-теста ", a)).toBe(false);
    expect(await verifyPassword("anything", "not-a-hash")).toBe(false);
  });
});

describe("sign-in throttle", () => {
  it("refuses a login after ten wrong passwords in 15 minutes until the oldest leaves the window; a right one clears it", () => {
    const t = new SignInThrottle();
    const min = 60_000;
    for (let i = 0; i < MAX_FAILURES - 1; i++) t.failed("Olga", i * min);
    expect(t.waitMs("olga", 9 * min)).toBe(0);
    t.failed("olga", 9 * min);
    expect(t.waitMs("OLGA", 9 * min)).toBe(WINDOW_MS - 9 * min);
    expect(t.waitMs("masha", 9 * min)).toBe(0);
    expect(t.waitMs("olga", WINDOW_MS)).toBe(0); /* the first failure (at 0) has left the window */
    t.failed("olga", WINDOW_MS);
    expect(t.waitMs("olga", WINDOW_MS)).toBe(min);
    t.succeeded("olga");
    expect(t.waitMs("olga", WINDOW_MS)).toBe(0);
  });
});
