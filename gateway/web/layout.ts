/**
 * The page frame (docs/web.md#pages): the header with the store, the user and their roles, the navigation, and the
 * page's content. htmx is loaded on every page and sends the session's CSRF token with each of its requests
 * (hx-headers on <body>); every form also carries it as _csrf, so the pages work without JavaScript too.
 */
import type { Store } from "../store/store.ts";
import { html, type Html } from "./html.ts";
import { may, rolesInWords, type Permission } from "./roles.ts";
import type { SignedIn } from "./session.ts";

export interface NavItem {
  href: string;
  title: string;
  /** Shown only to users with this permission. */
  needs?: Permission;
}

/** The sections, in the header's order. Pages still to come are placeholders that say so. */
export const NAV: readonly NavItem[] = [
  { href: "/", title: "Дашборд" },
  { href: "/review", title: "Проверка" },
  { href: "/terminals", title: "Терминалы" },
  { href: "/alerts", title: "Оповещения" },
  { href: "/reports", title: "Отчёты" },
  { href: "/users", title: "Пользователи", needs: "users" },
];

/** What the header says of the store: its name when there is one, else how many. */
export function storeLabel(store: Store): string {
  const all = store.terminals.stores();
  if (all.length === 0) return "Магазинов пока нет";
  if (all.length === 1) return all[0]!.name;
  return `Магазинов: ${all.length}`;
}

export function page(o: { title: string; auth?: SignedIn; store: Store; active?: string; body: Html }): string {
  const { auth } = o;
  const header = auth
    ? html`<header class="top">
        <div class="brand"><strong>Кнопка лояльности</strong> <span class="store" data-store>${storeLabel(o.store)}</span></div>
        <nav aria-label="Разделы">${NAV.filter((n) => !n.needs || may(auth.user.roles, n.needs)).map((n) => html`<a href="${n.href}"${n.href === o.active ? html` aria-current="page"` : ""}>${n.title}</a>`)}</nav>
        <div class="who"><span data-user>${auth.user.name ?? auth.user.login}</span> <span class="roles" data-roles>${rolesInWords(auth.user.roles)}</span>
          <form method="post" action="/logout" class="inline"><input type="hidden" name="_csrf" value="${auth.csrf}"><button type="submit">Выйти</button></form></div>
      </header>`
    : html``;
  const hx = auth ? JSON.stringify({ "X-CSRF-Token": auth.csrf }) : "{}";
  return `<!doctype html>${html`<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} · Кнопка лояльности</title><link rel="stylesheet" href="/assets/app.css"><script src="/assets/htmx.min.js" defer></script></head>
<body hx-headers="${hx}">${header}<main>${o.body}</main></body></html>`}`;
}

/** A page that says why it cannot be shown (403, 404), in the frame when signed in. */
export function messagePage(o: { title: string; text: string; auth?: SignedIn; store: Store }): string {
  return page({ ...o, body: html`<h1>${o.title}</h1><p class="message">${o.text}</p><p><a href="/">На дашборд</a></p>` });
}
