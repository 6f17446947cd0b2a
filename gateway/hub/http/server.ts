/**
 * The hub's HTTP server (docs/hub.md#http), a part of `loyalty hub`: fastify, with the store gateway's guard
 * (gateway/http/guard.ts: the Host allow-list, and `http.token` required beyond loopback) and its JSON errors in
 * words (gateway/http/listen.ts). The endpoints are in routes.ts.
 */
import Fastify, { type FastifyInstance } from "fastify";
import type { Pool } from "pg";
import { allowedHosts, guardHook, type GuardOptions } from "../../http/guard.ts";
import { jsonErrors, listenGuarded } from "../../http/listen.ts";
import type { Logger } from "../../log.ts";
import type { HubConfig } from "../config.ts";
import { hubRoutes } from "./routes.ts";

export class HubHttpServer {
  private server: { url: string; app: FastifyInstance } | undefined;

  constructor(private readonly o: { pool: Pool; config: HubConfig; log: Logger; now: () => number }) {}

  /** `http://host:port`, the port chosen when the config asks for 0. */
  get url(): string {
    if (!this.server) throw new Error("the hub's HTTP server is not started");
    return this.server.url;
  }

  async start(): Promise<void> {
    const { config, log } = this.o;
    const h = config.http;
    const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
    /* The port is known once listening (http.port 0); no request is served before it is set. */
    const guard: GuardOptions = { allowedHosts: allowedHosts(h.host, h.allowedHosts), token: h.token, port: h.port, name: "hub" };
    app.addHook("onRequest", guardHook(guard));
    jsonErrors(app, log, "hub");
    hubRoutes(app, this.o);
    const url = await listenGuarded(app, { ...h, inUse: { who: "another hub", hint: "choose another port with http.port or LOYALTY_HUB_HTTP_PORT, or turn HTTP off with http.enabled false" } }, guard);
    this.server = { url, app };
    log.info({ url, token: h.token ? "required" : "none (loopback only)" }, "hub http listening: chain reports and status");
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    await s?.app.close();
  }
}
