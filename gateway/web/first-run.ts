/**
 * What `loyalty gateway` says about the web app when it starts (docs/web.md#the-first-admin): where to sign in, and,
 * with no users yet, how to create the first admin. The demo (`npm start`) creates an admin `demo` with a random
 * password and prints it, so the pages can be tried at once.
 */
import type { Store } from "../store/store.ts";
import { randomPassword } from "./password.ts";
import { ROLES } from "./roles.ts";
import { addUser } from "./users.ts";

export async function webFirstRun(store: Store, o: { url: string | undefined; demo: boolean; db: string; now: number }): Promise<string> {
  if (!o.url) return "";
  const db = o.db === "./data/loyalty.sqlite" ? "" : ` --db ${o.db}`;
  if (store.users.count() > 0) return `Web app: ${o.url}/ (users: npx loyalty users list${db})\n`;
  if (o.demo) {
    const password = randomPassword();
    await addUser(store, { login: "demo", name: "Демо-администратор", roles: ROLES, password }, { by: "demo", userId: null, via: "cli" }, o.now);
    return `Web app: ${o.url}/ : sign in as demo with password ${password} (every role; change it: npx loyalty users passwd demo${db})\n`;
  }
  return `Web app: ${o.url}/ has no users yet. Create the first admin: npx loyalty users add <login> --role admin${db}\n`;
}
