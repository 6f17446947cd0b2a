/**
 * The embedded MQTT broker (aedes) for installations without one: plain TCP on 127.0.0.1 by default.
 * QoS 1 sessions are kept in memory, so they last as long as the gateway process; devices keep their events
 * until the gateway acks them, so a restart loses nothing.
 */
import { createServer, type AddressInfo, type Server } from "node:net";
import { Aedes } from "aedes";
import { GatewayError } from "../errors.ts";
import type { Logger } from "../log.ts";

export interface EmbeddedBroker {
  /** `mqtt://host:port` clients connect to. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startEmbeddedBroker(opts: { host: string; port: number; log: Logger }): Promise<EmbeddedBroker> {
  const aedes = await Aedes.createBroker({ concurrency: 1000, drainTimeout: 30_000, queueLimit: 1000 });
  aedes.on("clientError", (client, err) => opts.log.debug({ client: client?.id, err: err.message }, "broker client error"));
  aedes.on("connectionError", (_client, err) => opts.log.debug({ err: err.message }, "broker connection error"));
  /* noDelay: without it Nagle's algorithm holds back small frames (acks) for tens of milliseconds. */
  const server: Server = createServer({ noDelay: true }, aedes.handle);
  await new Promise<void>((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException) => {
      aedes.close();
      reject(
        err.code === "EADDRINUSE"
          ? new GatewayError("conflict", `${opts.host}:${opts.port} is already in use (another MQTT broker, or another gateway?): choose another port with --mqtt-port, or use that broker with --mqtt-url mqtt://${opts.host}:${opts.port}`)
          : new GatewayError("config", `the embedded MQTT broker cannot listen on ${opts.host}:${opts.port}: ${err.message}`),
      );
    };
    server.once("error", failed);
    server.listen(opts.port, opts.host, () => {
      server.off("error", failed);
      resolve();
    });
  });
  server.on("error", (err) => opts.log.error({ err: err.message }, "embedded MQTT broker socket error"));
  const port = (server.address() as AddressInfo).port;
  opts.log.info({ host: opts.host, port }, "embedded MQTT broker listening");
  return {
    url: `mqtt://${opts.host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        aedes.close(() => server.close(() => resolve()));
      }),
  };
}
