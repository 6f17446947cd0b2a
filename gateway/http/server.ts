/**
 * The gateway's HTTP side (docs/reports.md#http): reports (JSON, CSV, HTML), the nightly files, the review API, the
 * alerts API (docs/alerts.md#http), and the web app's pages with their sign-in (docs/web.md, gateway/web/).
 * Listens on 127.0.0.1 by default; on any other address the configuration requires a token, sent as
 * `Authorization: Bearer` (or `?token=` for a report opened in a browser). guard.ts checks the Host header and who
 * may change reviews. Every body and query is checked by zod; errors are JSON `{ error, message }` with 400, 401,
 * 403, 404, 409 or 421, never a crash.
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import type { Config } from "../config/schema.ts";
import type { Logger } from "../log.ts";
import type { Store } from "../store/store.ts";
import { alertRoutes } from "./alert-routes.ts";
import { allowedHosts, guardHook, type GuardOptions } from "./guard.ts";
import { jsonErrors, listenGuarded } from "./listen.ts";
import { reportRoutes } from "./report-routes.ts";
import { reviewRoutes } from "./review-routes.ts";
import { sessionCheck } from "../web/auth.ts";
import type { LiveHub } from "../web/dashboard/live.ts";
import { webRoutes } from "../web/routes.ts";

export interface HttpOptions {
  store: Store;
  config: Config;
  log: Logger;
  now: () => number;
  /** True when a session vouches for the request; by default the web app's session cookie (gateway/web/auth.ts). */
  session?: (req: FastifyRequest) => boolean;
  /**
   * Something changed that the alert engine evaluates and the open dashboards show (a rule added, an alert closed, a
   * review saved): app.ts's nudge of both.
   */
  nudgeAlerts?: (() => void) | undefined;
  /** The dashboard's push (gateway/web/dashboard/live.ts), a part of its own. */
  live: LiveHub;
}

/** The HTTP server as a part of the gateway: listening between start() and stop(). */
export class HttpServer {
  private server: { url: string; app: FastifyInstance } | undefined;

  constructor(private readonly o: HttpOptions) {}

  /** `http://host:port`, the port chosen when the config asks for 0. */
  get url(): string {
    return this.started.url;
  }

  get app(): FastifyInstance {
    return this.started.app;
  }

  async start(): Promise<void> {
    const { config } = this.o;
    const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
    const token = config.http.token;

    /* The port is known once listening (http.port 0); no request is served before it is set. */
    const guard: GuardOptions = { allowedHosts: allowedHosts(config.http.host, config.http.allowedHosts), token, port: config.http.port };
    app.addHook("onRequest", guardHook(guard, this.o.session ?? sessionCheck(this.o.store, token, this.o.now)));
    jsonErrors(app, this.o.log, "gateway");
    app.get("/healthz", async () => ({ ok: true }));
    /* First: its CSRF hook covers the API routes below too. */
    await webRoutes(app, this.o);
    reportRoutes(app, this.o);
    reviewRoutes(app, { ...this.o, reviewed: this.o.nudgeAlerts });
    alertRoutes(app, { ...this.o, nudge: this.o.nudgeAlerts });

    const url = await listenGuarded(
      app,
      { ...config.http, inUse: { who: "another gateway", hint: "choose another port with http.port or LOYALTY_HTTP_PORT, or turn HTTP off with http.enabled false" } },
      guard,
    );
    this.server = { url, app };
    this.o.log.info({ url, token: token ? "required" : "none (loopback only)" }, "http listening: reports and review API");
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    await s?.app.close();
  }

  private get started(): { url: string; app: FastifyInstance } {
    if (!this.server) throw new Error("the HTTP server is not started");
    return this.server;
  }
}
