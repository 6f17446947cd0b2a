/**
 * require("net") of a simulated board, after https://www.espruino.com/Reference#net and #Socket :
 * `connect({ host, port }, callback)` returns a socket with `write(data)`, `end()` and
 * `on("data" | "close" | "error" | "drain", fn)`; data arrives as a string of byte values, and every handler runs
 * with the socket as `this`.
 * The socket is a REAL TCP connection (loopback in tests), so the firmware's MQTT client talks to a real broker.
 * A power cut or reboot destroys the board's sockets abruptly, as a dead board would (the broker then sees no
 * DISCONNECT and publishes the last will).
 * With `tls`, the same over TLS: require("tls") of a board whose build has it (wifi, esp32). As Espruino 2v29's, it
 * does not check the server's certificate (libs/network/network.c: MBEDTLS_SSL_VERIFY_NONE; docs/firmware.md "TLS").
 */
import { Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";

export interface NetHost {
  /** Runs a device callback with `self` as its `this` (Espruino calls a socket's handlers on the socket). */
  call(fn: (...a: unknown[]) => unknown, args: unknown[], self?: unknown): void;
  /** Registered sockets are destroyed when the board dies. */
  track(s: Socket): void;
  /** False when the simulated network is down: connections fail. */
  online(): boolean;
  /** Sees every byte written (`out`) and received (`in`). */
  tap?: ((dir: "in" | "out", data: string) => void) | undefined;
}

export function createNetModule(host: NetHost, kind: { tls?: boolean } = {}) {
  return {
    connect(opts: unknown, cb?: unknown) {
      const o = opts as { host?: unknown; port?: unknown };
      if (typeof o !== "object" || o === null || typeof o.host !== "string") throw new Error("net.connect: options need a host string");
      const port = Number(o.port === undefined ? 80 : o.port);
      if (!(port > 0 && port < 65536)) throw new Error("net.connect: bad port " + String(o.port));
      const handlers: { [ev: string]: ((x?: unknown) => void)[] } = {};
      const emit = (ev: string, x?: unknown) => {
        for (const h of handlers[ev] || []) host.call(h as (...a: unknown[]) => unknown, x === undefined ? [] : [x], api);
      };
      const up = host.online();
      const connected = () => {
        if (typeof cb === "function") host.call(cb as (...a: unknown[]) => unknown, [], api);
        emit("connect");
      };
      const s: Socket = kind.tls && up ? tlsConnect({ host: o.host, port, rejectUnauthorized: false }, connected) : new Socket();
      host.track(s);
      s.setNoDelay(true);
      s.on("data", (b: Buffer) => {
        host.tap?.("in", b.toString("latin1"));
        emit("data", b.toString("latin1"));
      });
      s.on("error", (e) => emit("error", { message: e.message }));
      s.on("close", () => emit("close"));
      s.on("drain", () => emit("drain"));
      if (!up) setImmediate(() => s.destroy(new Error("no network")));
      else if (!kind.tls) s.connect(port, o.host, connected);
      const api = {
        write(data: unknown): boolean {
          if (s.destroyed) return false;
          host.tap?.("out", String(data));
          return s.write(Buffer.from(String(data), "latin1"));
        },
        end(data?: unknown): void {
          if (data !== undefined) this.write(data);
          s.end();
        },
        on(ev: unknown, fn: unknown): void {
          if (typeof ev !== "string" || typeof fn !== "function") throw new Error("Socket.on: (event, function) expected");
          (handlers[ev] = handlers[ev] || []).push(fn as (x?: unknown) => void);
        },
      };
      return api;
    },
  };
}
