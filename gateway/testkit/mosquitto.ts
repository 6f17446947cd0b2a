/** A real Mosquitto broker (Debian's package) on a free loopback port, for tests and benchmarks. */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import { waitFor } from "./wait.ts";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export interface Mosquitto {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
  /** Starts it again on the same port (a broker restart). */
  restart(): Promise<void>;
  /** SIGHUP: Mosquitto reads its configuration, password file and ACL file again (`systemctl reload mosquitto`). */
  reload(): void;
}

export interface MosquittoOptions {
  /**
   * The whole configuration instead of the test default above (e.g. docs/operations.md's, with its paths made
   * temporary); a `listener <port> 127.0.0.1` line is put first. Files it names (password file, ACL) must exist.
   */
  config?: string;
}

/** `mosquitto_passwd -b` (with `-c` when the file does not exist yet): adds or replaces `user`'s line in `file`. */
export function mosquittoPasswd(file: string, user: string, password: string): void {
  const bin = ["/usr/bin/mosquitto_passwd", "/usr/sbin/mosquitto_passwd"].find((p) => existsSync(p)) ?? "mosquitto_passwd";
  execFileSync(bin, [...(existsSync(file) ? [] : ["-c"]), "-b", file, user, password], { stdio: "ignore" });
}

/** Starts mosquitto with the configuration docs/operations.md recommends (nothing dropped, no Nagle delay). */
export async function startMosquitto(extraConfig = "", fixedPort?: number, options: MosquittoOptions = {}): Promise<Mosquitto> {
  const port = fixedPort ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), "lb-mosq-"));
  const conf = join(dir, "mosquitto.conf");
  writeFileSync(
    conf,
    (options.config !== undefined
      ? [`listener ${port} 127.0.0.1`, options.config, extraConfig]
      : [`listener ${port} 127.0.0.1`, "allow_anonymous true", "persistence false", extraConfig.includes("max_queued_messages") ? "" : "max_queued_messages 0", "max_inflight_messages 0", "set_tcp_nodelay true", extraConfig]
    ).join("\n") + "\n",
  );
  const bin = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"].find((p) => existsSync(p)) ?? "mosquitto";
  const state: { process: ChildProcess } = { process: spawn(bin, ["-c", conf], { stdio: "ignore" }) };
  const url = `mqtt://127.0.0.1:${port}`;
  const ready = () =>
    waitFor("mosquitto to accept connections", async () => {
      try {
        const c = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 500 });
        await c.endAsync();
        return true;
      } catch (e) {
        /* A CONNACK refusal (a broker without anonymous access) is a broker that accepts connections. */
        return typeof (e as { code?: unknown }).code === "number";
      }
    });
  await ready();
  const stop = () =>
    new Promise<void>((resolve) => {
      const p = state.process;
      if (p.exitCode !== null || p.signalCode !== null) return resolve();
      p.once("exit", () => resolve());
      p.kill("SIGTERM");
    });
  return {
    url,
    port,
    get process() {
      return state.process;
    },
    stop,
    reload: () => void state.process.kill("SIGHUP"),
    restart: async () => {
      await stop();
      state.process = spawn(bin, ["-c", conf], { stdio: "ignore" });
      await ready();
    },
  };
}
