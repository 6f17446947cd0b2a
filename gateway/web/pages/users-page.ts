/**
 * The users page, for admins (docs/web.md#users): add a user, change roles, set a new password (which signs them out
 * everywhere), remove. Plain forms posting back here, each with the CSRF token; the result or the error in words.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { GatewayError } from "../../errors.ts";
import { parse } from "../../http/schemas.ts";
import type { Actor } from "../../store/audit.ts";
import type { Store } from "../../store/store.ts";
import { html } from "../html.ts";
import { page } from "../layout.ts";
import { ROLE_NAMES, ROLES, rolesInWords } from "../roles.ts";
import type { SignedIn } from "../session.ts";
import { addUser, removeUser, setPassword, setRoles } from "../users.ts";
import { errorWords } from "../error-words.ts";
import { gate } from "./gate.ts";

const many = z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
const addBody = z.object({ login: z.string().max(200).default(""), name: z.string().max(200).optional(), password: z.string().max(500).default(""), roles: many, _csrf: z.string().optional() });
const rolesBody = z.object({ roles: many, _csrf: z.string().optional() });
const passwordBody = z.object({ password: z.string().max(500).default(""), _csrf: z.string().optional() });


function roleBoxes(checked: readonly string[], idPrefix: string) {
  return ROLES.map((r) => html`<label class="inline-check"><input type="checkbox" name="roles" value="${r}" id="${idPrefix}-${r}"${checked.includes(r) ? html` checked` : ""}> ${ROLE_NAMES[r]}</label> `);
}

function render(store: Store, auth: SignedIn, tz: string, msg?: { ok: boolean; text: string }): string {
  const date = new Intl.DateTimeFormat("ru-RU", { dateStyle: "short", timeStyle: "short", timeZone: tz });
  const fmt = (ms: number) => date.format(new Date(ms));
  const users = store.users.all();
  const csrf = html`<input type="hidden" name="_csrf" value="${auth.csrf}">`;
  const body = html`<h1>Пользователи</h1>
    ${msg ? html`<p class="message ${msg.ok ? "notice" : "error"}" role="${msg.ok ? "status" : "alert"}">${msg.text}</p>` : ""}
    <div class="table-wrap"><table id="users"><thead><tr><th>Логин</th><th>Роли</th><th>Новый пароль</th><th class="hide-narrow">Создан</th><th></th></tr></thead><tbody>
    ${users.map((u) => html`<tr data-login="${u.login}">
      <td><strong>${u.login}</strong>${u.name ? html`<div class="muted">${u.name}</div>` : ""}</td>
      <td><form method="post" action="/users/${u.id}/roles" class="actions">${csrf}${roleBoxes(u.roles, `roles-${u.id}`)}<button type="submit">Сохранить роли</button></form></td>
      <td><form method="post" action="/users/${u.id}/password" class="actions">${csrf}<input type="password" name="password" autocomplete="new-password" minlength="8" required aria-label="Новый пароль для ${u.login}"><button type="submit">Сменить</button></form></td>
      <td class="hide-narrow muted">${fmt(u.createdMs)}</td>
      <td>${u.id === auth.user.id ? html`<span class="muted">это вы</span>` : html`<form method="post" action="/users/${u.id}/remove" data-confirm="Удалить пользователя ${u.login}?" onsubmit="return confirm(this.dataset.confirm)">${csrf}<button class="danger" type="submit">Удалить</button></form>`}</td>
    </tr>`)}
    </tbody></table></div>
    <h2>Новый пользователь</h2>
    <form method="post" action="/users" class="stack" id="add-user">${csrf}
      <label for="new-login">Логин</label><input id="new-login" name="login" required autocomplete="off">
      <label for="new-name">Имя (необязательно)</label><input id="new-name" name="name" autocomplete="off">
      <label for="new-password">Пароль (не короче 8 символов)</label><input id="new-password" name="password" type="password" minlength="8" required autocomplete="new-password">
      <fieldset><legend>Роли</legend>${roleBoxes(["manager"], "new")}</fieldset>
      <p><button class="primary" type="submit">Добавить</button></p>
    </form>`;
  return page({ title: "Пользователи", auth, store, active: "/users", body });
}

export function usersRoutes(app: FastifyInstance, o: { store: Store; timeZone: string; now: () => number }): void {
  const { store, now } = o;
  const opts = { config: { web: true }, preHandler: gate(store, "users") };
  const actor = (req: FastifyRequest): Actor => ({ by: req.auth!.user.login, userId: req.auth!.user.id, via: "web" });
  const show = (req: FastifyRequest, reply: FastifyReply, code: number, msg?: { ok: boolean; text: string }) => reply.code(code).type("text/html; charset=utf-8").send(render(store, req.auth!, o.timeZone, msg));
  const login = (req: FastifyRequest) => {
    const u = store.users.byId(Number((req.params as { id: string }).id));
    if (!u) throw new GatewayError("not_found", "такого пользователя нет (его уже удалили?)");
    return u.login;
  };
  /* Runs a change; an error in words goes back onto the page with the status it means, never a stack. */
  const change = async (req: FastifyRequest, reply: FastifyReply, fn: () => Promise<string> | string, thenGo?: string) => {
    try {
      const text = await fn();
      return thenGo ? reply.redirect(thenGo, 303) : show(req, reply, 200, { ok: true, text });
    } catch (e) {
      if (!(e instanceof GatewayError)) throw e;
      return show(req, reply, e.code === "not_found" ? 404 : e.code === "conflict" ? 409 : 400, { ok: false, text: errorWords(e) });
    }
  };

  app.get("/users", opts, async (req, reply) => show(req, reply, 200));
  app.post("/users", opts, (req, reply) =>
    change(req, reply, async () => {
      const b = parse(addBody, req.body, "form");
      const u = await addUser(store, { login: b.login, name: b.name, roles: b.roles, password: b.password }, actor(req), now());
      return `Пользователь ${u.login} добавлен (${rolesInWords(u.roles)}).`;
    }),
  );
  app.post("/users/:id/roles", opts, (req, reply) =>
    change(req, reply, () => {
      const u = setRoles(store, login(req), parse(rolesBody, req.body, "form").roles, actor(req), now());
      return `Роли ${u.login}: ${rolesInWords(u.roles)}.`;
    }),
  );
  app.post("/users/:id/password", opts, (req, reply) =>
    change(
      req,
      reply,
      async () => {
        const l = login(req);
        const ended = await setPassword(store, l, parse(passwordBody, req.body, "form").password, actor(req), now());
        return `Пароль ${l} сменён${ended ? `; завершено сеансов: ${ended}` : ""}.`;
      },
      /* One's own new password ended this session too: sign in again with it. */
      req.auth!.user.id === Number((req.params as { id: string }).id) ? "/login" : undefined,
    ),
  );
  app.post("/users/:id/remove", opts, (req, reply) =>
    change(req, reply, () => {
      const l = login(req);
      if (l === req.auth!.user.login) throw new GatewayError("conflict", "себя удалить нельзя: это может сделать другой администратор");
      const u = removeUser(store, l, actor(req), now());
      return `Пользователь ${u.login} удалён; его сеансы завершены.`;
    }),
  );
}
