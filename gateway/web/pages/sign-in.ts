/** Sign-in and sign-out (docs/web.md#signing-in): the form, the password check, the session cookie. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Store } from "../../store/store.ts";
import { clearSessionCookie, setSessionCookie } from "../auth.ts";
import { html } from "../html.ts";
import { page } from "../layout.ts";
import { signIn, signOut } from "../session.ts";
import { SignInThrottle } from "../throttle.ts";

const signInBody = z.object({ login: z.string().max(200).default(""), password: z.string().max(500).default(""), next: z.string().max(500).optional() });

/** Only a path of this site, never another site (an open redirect). */
export function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])[^\s]*$/.test(next) && !next.startsWith("/login") ? next : "/";
}

function form(store: Store, o: { login?: string; next?: string; error?: string }): string {
  return page({
    title: "Вход",
    store,
    body: html`<form class="login" method="post" action="/login">
      <h1>Вход</h1>
      ${o.error ? html`<p class="message error" role="alert">${o.error}</p>` : ""}
      <label for="login">Логин</label><input id="login" name="login" autocomplete="username" required autofocus value="${o.login ?? ""}">
      <label for="password">Пароль</label><input id="password" name="password" type="password" autocomplete="current-password" required>
      <input type="hidden" name="next" value="${safeNext(o.next)}">
      <p><button class="primary" type="submit">Войти</button></p>
      ${store.users.count() === 0 ? html`<p class="muted">Пользователей ещё нет. Первого администратора создаёт команда <code>npx loyalty users add &lt;логин&gt; --role admin</code>.</p>` : ""}
    </form>`,
  });
}

export function signInRoutes(app: FastifyInstance, o: { store: Store; now: () => number }): void {
  const { store, now } = o;
  const throttle = new SignInThrottle();
  app.get("/login", { config: { web: true } }, async (req, reply) => {
    if (req.auth) return reply.redirect("/", 303);
    return reply.type("text/html; charset=utf-8").send(form(store, { next: (req.query as { next?: string }).next }));
  });
  app.post("/login", { config: { web: true } }, async (req, reply) => {
    /* A sign-in form posted by another site's page would sign the browser in as someone else (login CSRF). */
    const site = req.headers["sec-fetch-site"];
    if (site !== undefined && site !== "same-origin" && site !== "none") return reply.code(403).type("text/html; charset=utf-8").send(form(store, { error: "Вход возможен только со страницы входа этого шлюза." }));
    const b = signInBody.safeParse(req.body ?? {});
    if (!b.success) return reply.code(400).type("text/html; charset=utf-8").send(form(store, { error: "Введите логин и пароль." }));
    const wait = throttle.waitMs(b.data.login, now());
    if (wait > 0) return reply.code(429).type("text/html; charset=utf-8").send(form(store, { login: b.data.login, next: b.data.next, error: `Слишком много неудачных попыток входа под этим логином. Попробуйте через ${Math.ceil(wait / 60_000)} мин.` }));
    const r = await signIn(store, b.data.login, b.data.password, now());
    if (!r) {
      throttle.failed(b.data.login, now());
      return reply.code(401).type("text/html; charset=utf-8").send(form(store, { login: b.data.login, next: b.data.next, error: "Неверный логин или пароль." }));
    }
    throttle.succeeded(b.data.login);
    setSessionCookie(req, reply, r.token);
    return reply.redirect(safeNext(b.data.next), 303);
  });
  /* Sign-out is a POST with the CSRF token (auth.ts), so a link on another site cannot sign anyone out. */
  app.post("/logout", { config: { web: true } }, async (req, reply) => {
    if (req.auth) signOut(store, req.auth);
    clearSessionCookie(req, reply);
    return reply.redirect("/login", 303);
  });
}
