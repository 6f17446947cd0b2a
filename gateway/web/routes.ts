/**
 * The web app on the gateway's HTTP server (docs/web.md): cookies and form bodies, the CSRF check of every change
 * from a session (pages and API alike), the assets, and the pages. server.ts calls this once.
 */
import fastifyCookie from "@fastify/cookie";
import fastifyFormbody from "@fastify/formbody";
import type { FastifyInstance } from "fastify";
import type { Config } from "../config/schema.ts";
import type { Store } from "../store/store.ts";
import type { LiveHub } from "./dashboard/live.ts";
import { assetRoutes } from "./assets.ts";
import { CSRF_MESSAGE, csrfMissing } from "./auth.ts";
import { messagePage } from "./layout.ts";
import { alertsRoutes } from "./pages/alerts-page.ts";
import { dashboardRoutes } from "./pages/dashboard.ts";
import { reviewDeskRoutes } from "./pages/review-desk.ts";
import { sectionRoutes } from "./pages/sections.ts";
import { signInRoutes } from "./pages/sign-in.ts";
import { terminalsRoutes } from "./pages/terminals-page.ts";
import { usersRoutes } from "./pages/users-page.ts";

export async function webRoutes(app: FastifyInstance, o: { store: Store; config: Config; now: () => number; live: LiveHub; nudgeAlerts?: (() => void) | undefined }): Promise<void> {
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody, { bodyLimit: 16 * 1024 });
  /* After the body is parsed (a form's _csrf is in it), before any handler. */
  app.addHook("preHandler", async (req, reply) => {
    if (!csrfMissing(req)) return;
    if ((req.routeOptions.config as { web?: boolean } | undefined)?.web) {
      return reply.code(403).type("text/html; charset=utf-8").send(messagePage({ title: "Изменение отклонено", text: "Форма устарела или пришла не с этой страницы (нет CSRF-токена). Обновите страницу и повторите.", auth: req.auth, store: o.store }));
    }
    return reply.code(403).send({ error: "csrf", message: CSRF_MESSAGE });
  });
  assetRoutes(app);
  signInRoutes(app, o);
  dashboardRoutes(app, o);
  reviewDeskRoutes(app, { ...o, reviewed: o.nudgeAlerts });
  usersRoutes(app, { store: o.store, timeZone: o.config.timeZone, now: o.now });
  terminalsRoutes(app, o);
  alertsRoutes(app, o);
  sectionRoutes(app, o);
}
