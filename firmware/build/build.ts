/**
 * Firmware build (issue 5 "Build"): esbuild bundles firmware/src/main.ts into dist/firmware.js (minified) and
 * dist/firmware.debug.js (readable), checks both against the Espruino subset (espruino-subset.ts) and the
 * 10 KB budget. CLI: `npm run firmware:build -- [--board pico|wifi|esp32] [--role combo|keypad|seller]
 * [--transport serial|mqtt] [--raw] [--ssid S --pass P --broker host:port --prefix lb] [--out dir]`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { DOWN_FIELDS, ENUMS } from "../../protocol/constants.ts";
import { BOARDS, ROLES } from "./boards.ts";
import { checkEspruinoSubset, type Finding } from "./espruino-subset.ts";

/** Largest minified bundle, bytes, for every board, role and transport (issue 5 "Build"). */
export const BUDGET = 10 * 1024;
export const FW_VERSION = "0.1.0";
/*
 * Internal property names longer than they need to be, renamed in the minified build. Never a protocol field or
 * message type (the codec looks them up by string), a key written to flash as JSON (lbm, lbc, lbnet), an
 * Espruino API or option name (open, edge, state, ...), or what tests read on LB_.
 */
const MANGLE = new RegExp(
  "^(" +
    "timers|emit|long|outbox|now|send|record|tick|link|recv|count|fill|done|wait|next|buf|decode|crc|flash|" +
    "ui|hello|sub|msg|pub|pong|set|clear|id|status" +
    ")$",
);
const ROOT = resolve(fileURLToPath(import.meta.url), "../../..");

export interface BuildOptions {
  /** pico (default) | wifi | esp32 */
  board?: string;
  /** combo (default) | keypad | seller */
  role?: string;
  /** Overrides the board's transport. */
  transport?: "serial" | "mqtt";
  /** Raw lines on the port instead of the REPL form (console moved off the port). */
  raw?: boolean;
  /** Serial device for frames, overriding the board's (USB | Serial1). */
  port?: "USB" | "Serial1";
  /** Network defaults baked in; the device's Storage file `lbnet` overrides them. */
  net?: { ssid?: string; pass?: string; host?: string; port?: number; prefix?: string };
  /** Output folder (default dist/); nothing is written when `write` is false. */
  outDir?: string;
  write?: boolean;
}

export interface BuildResult {
  code: string;
  debug: string;
  bytes: number;
  /** Subset findings of the minified bundle, with line and column. */
  findings: Finding[];
  /** The budget, bytes (BUDGET). */
  budget: number;
  overBudget: boolean;
  file?: string;
  debugFile?: string;
}

/** Validates options up front, naming the bad value. */
function defines(o: BuildOptions): { [k: string]: string } {
  const boardName = o.board || "pico";
  const b = BOARDS[boardName];
  if (!b) throw new Error("--board " + boardName + ": expected one of " + Object.keys(BOARDS).join(", "));
  const role = o.role || "combo";
  if (!(ROLES as readonly string[]).includes(role)) throw new Error("--role " + role + ": expected one of " + ROLES.join(", "));
  const mqtt = o.transport ? o.transport === "mqtt" : b.mqtt;
  const port = o.port || b.port;
  if (o.raw && port === "USB" && boardName === "esp32") throw new Error("--raw: the esp32 has no USB console to move the REPL to");
  /* `k`, the device's MQTT secret, is never built in: `loyalty flash` writes it to `lbnet` (docs/installer.md). */
  const net = Object.assign({ ssid: "", pass: "", host: "127.0.0.1", port: 1883, prefix: "lb" }, o.net || {}, { k: "" });
  return {
    LB_FW: JSON.stringify(FW_VERSION),
    LB_ROLE: JSON.stringify(role),
    LB_PINS: JSON.stringify(b.pins),
    LB_MQTT: String(mqtt),
    LB_PORT: JSON.stringify(port),
    LB_REPL: String(!o.raw),
    LB_NET: JSON.stringify(net),
    LB_WIFI: JSON.stringify(b.wifi),
    LB_CAP: JSON.stringify([mqtt ? "mqtt" : "serial", "led", "flash"].concat(!mqtt && !o.raw ? ["repl"] : [])),
    LB_DOWN: JSON.stringify(DOWN_FIELDS),
    LB_ENUMS: JSON.stringify(ENUMS),
  };
}

async function bundle(o: BuildOptions, minify: boolean): Promise<string> {
  const out = await build({
    entryPoints: [join(ROOT, "firmware/src/main.ts")],
    bundle: true,
    format: "cjs",
    target: "es2019",
    supported: { "optional-catch-binding": false },
    metafile: true,
    minify: minify,
    keepNames: false,
    external: ["Storage", "net", "tls", "Wifi", "EspruinoWiFi"],
    platform: "neutral",
    legalComments: "none",
    define: defines(o),
    mangleProps: minify ? MANGLE : undefined,
    write: false,
    logLevel: "silent",
  });
  lastMeta = out.metafile;
  /* cjs keeps `require("Storage")` as Espruino's own require; the wrapper keeps names off Espruino's globals. */
  return "(function(){" + (out.outputFiles[0] as { text: string }).text.replace(/^"use strict";/, "") + "})();\n";
}
let lastMeta: unknown;

/** Builds, checks and (unless `write: false`) writes firmware.js and firmware.debug.js. */
export async function buildFirmware(o: BuildOptions = {}): Promise<BuildResult> {
  const code = await bundle(o, true);
  const debug = await bundle(o, false);
  const findings = checkEspruinoSubset(code).concat(checkEspruinoSubset(debug));
  const bytes = Buffer.byteLength(code);
  const r: BuildResult = { code, debug, bytes, budget: BUDGET, findings, overBudget: bytes > BUDGET };
  if (o.write !== false) {
    const dir = o.outDir || join(ROOT, "dist");
    mkdirSync(dir, { recursive: true });
    r.file = join(dir, "firmware.js");
    r.debugFile = join(dir, "firmware.debug.js");
    writeFileSync(r.file, code);
    writeFileSync(r.debugFile, debug);
  }
  return r;
}

function parseArgs(argv: string[]): BuildOptions {
  const o: BuildOptions = {};
  const net: NonNullable<BuildOptions["net"]> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      const x = argv[++i];
      if (x === undefined) throw new Error(a + ": missing value");
      return x;
    };
    if (a === "--board") o.board = v();
    else if (a === "--role") o.role = v();
    else if (a === "--transport") o.transport = v() as "serial" | "mqtt";
    else if (a === "--raw") o.raw = true;
    else if (a === "--port") o.port = v() as "USB" | "Serial1";
    else if (a === "--out") o.outDir = resolve(v());
    else if (a === "--ssid") net.ssid = v();
    else if (a === "--pass") net.pass = v();
    else if (a === "--prefix") net.prefix = v();
    else if (a === "--broker") {
      const hp = v().split(":");
      net.host = hp[0];
      if (hp[1]) net.port = Number(hp[1]);
    } else throw new Error("unknown option " + a);
  }
  if (Object.keys(net).length) o.net = net;
  return o;
}

async function main(): Promise<number> {
  const r = await buildFirmware(parseArgs(process.argv.slice(2)));
  for (const f of r.findings) process.stderr.write("firmware.js:" + f.line + ":" + f.column + ": " + f.rule + "\n");
  process.stdout.write("firmware: " + r.file + " " + r.bytes + " bytes (budget " + r.budget + "), debug " + Buffer.byteLength(r.debug) + " bytes\n");
  if (r.findings.length) process.stderr.write("firmware: " + r.findings.length + " construct(s) outside the Espruino subset\n");
  if (r.overBudget) process.stderr.write("firmware: over the " + r.budget + "-byte budget\n");
  return r.findings.length || r.overBudget ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (c) => process.exit(c),
    (e: Error) => {
      process.stderr.write("firmware: " + e.message + "\n");
      process.exit(2);
    },
  );
}
