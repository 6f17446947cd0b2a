/**
 * The `loyalty flash` options as the installer types them, checked once (zod) into what the uploader needs.
 * Network settings are not baked into the build: they are written to the board's Storage file `lbnet`, which the
 * firmware reads at boot over its built-in defaults (docs/firmware.md "Building"), so one build serves every shop.
 */
import { z } from "zod";
import { BOARDS, ROLES } from "../../firmware/build/boards.ts";
import { DEFAULT_TOPIC_PREFIX } from "../../protocol/topics.ts";
import { inWords } from "../../protocol/zod-words.ts";
import { GatewayError } from "../errors.ts";
import { ANSWER_TIMEOUT_MS, VERIFY_TIMEOUT_MS } from "./constants.ts";

export interface NetSettings {
  ssid: string;
  pass: string;
  host: string;
  port: number;
  prefix: string;
  /** 1: MQTT over TLS (`--broker mqtts://...`), read by the firmware from `lbnet`. */
  tls?: 1;
}

export interface FlashRequest {
  port: string;
  board: string;
  role: (typeof ROLES)[number];
  transport: "serial" | "mqtt";
  /** Written to Storage `lbnet` when set (MQTT builds), with the device's secret `k` added by flash.ts. */
  net: NetSettings | undefined;
  /** Said to the installer before flashing (plain MQTT on a board that could use TLS). */
  warning?: string | undefined;
  answerTimeoutMs: number;
  verifyTimeoutMs: number;
}

const ms = (flag: string) => z.coerce.number({ message: `${flag}: expected milliseconds` }).int(`${flag}: expected whole milliseconds`).min(50, `${flag}: at least 50 ms`);

const flagsSchema = z.object({
  port: z.string({ message: "--port <path> is required, e.g. /dev/ttyACM0 (loyalty ports lists them)" }).min(1, "--port: empty path"),
  board: z.enum(Object.keys(BOARDS) as [string, ...string[]], { message: `--board: expected one of ${Object.keys(BOARDS).join(", ")}` }).default("pico"),
  role: z.enum(ROLES, { message: `--role: expected one of ${ROLES.join(", ")}` }).default("combo"),
  transport: z.enum(["serial", "mqtt"], { message: "--transport: expected serial or mqtt" }).optional(),
  wifi: z.string().optional(),
  broker: z.string().optional(),
  prefix: z.string().regex(/^[A-Za-z0-9_-]{1,16}$/, "--prefix: expected 1..16 of A-Z a-z 0-9 _ -").default(DEFAULT_TOPIC_PREFIX),
  answerTimeout: ms("--answer-timeout").default(ANSWER_TIMEOUT_MS),
  verifyTimeout: ms("--verify-timeout").default(VERIFY_TIMEOUT_MS),
});

export type FlashFlags = z.input<typeof flagsSchema>;

/** `mqtt://host:port`, `mqtts://host:port`, `host:port` or `host` to host, port (1883, or 8883 over TLS) and whether TLS. */
export function parseBroker(text: string): { host: string; port: number; url: string; tls: boolean } {
  const url = /^[a-z]+:\/\//.test(text) ? text : "mqtt://" + text;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new GatewayError("invalid", `--broker '${text}': expected mqtts://host:port, mqtt://host:port or host:port`);
  }
  if (u.protocol !== "mqtt:" && u.protocol !== "mqtts:") throw new GatewayError("invalid", `--broker '${text}': the firmware speaks mqtts:// (TLS) or mqtt:// only`);
  const tls = u.protocol === "mqtts:";
  const port = u.port ? Number(u.port) : tls ? 8883 : 1883;
  if (!u.hostname) throw new GatewayError("invalid", `--broker '${text}': no host`);
  return { host: u.hostname, port, url: `${u.protocol}//${u.hostname}:${port}`, tls };
}

/** `ssid:password` (the password may contain ':'; an open network is `ssid:`). */
export function parseWifi(text: string): { ssid: string; pass: string } {
  const i = text.indexOf(":");
  if (i <= 0) throw new GatewayError("invalid", `--wifi '${text}': expected ssid:password (ssid: for an open network)`);
  return { ssid: text.slice(0, i), pass: text.slice(i + 1) };
}

export function flashRequest(flags: FlashFlags): FlashRequest {
  const r = flagsSchema.safeParse(flags, { error: inWords });
  if (!r.success) throw new GatewayError("invalid", r.error.issues.map((i) => i.message).join("; "));
  const f = r.data;
  const profile = BOARDS[f.board] as (typeof BOARDS)[string];
  const transport = f.transport ?? (profile.mqtt ? "mqtt" : "serial");
  if (transport === "serial" && (f.wifi !== undefined || f.broker !== undefined)) {
    throw new GatewayError("invalid", "--wifi and --broker are for --transport mqtt; a serial terminal talks to the gateway over its cable");
  }
  let net: NetSettings | undefined;
  let warning: string | undefined;
  if (transport === "mqtt") {
    if (f.wifi === undefined || f.broker === undefined) {
      throw new GatewayError("invalid", `--board ${f.board} --transport mqtt needs --wifi <ssid:password> and --broker <host:port> (the gateway's broker as the terminal reaches it)`);
    }
    const b = parseBroker(f.broker);
    if (b.tls && !profile.tls) {
      throw new GatewayError("invalid", `--board ${f.board}: Espruino 2v29 for ${profile.espruino} has no TLS; use the gateway's plain listener, --broker mqtt://${b.host}:1883 (docs/operations.md "TLS")`);
    }
    if (!b.tls && profile.tls) {
      warning = `warning: --broker ${b.url} is plain MQTT, readable by anyone on the network; ${profile.espruino} can use TLS: --broker mqtts://${b.host}:8883`;
    }
    net = { ...parseWifi(f.wifi), host: b.host, port: b.port, prefix: f.prefix, ...(b.tls ? { tls: 1 as const } : {}) };
  }
  return { port: f.port, board: f.board, role: f.role, transport, net, warning, answerTimeoutMs: f.answerTimeout, verifyTimeoutMs: f.verifyTimeout };
}
