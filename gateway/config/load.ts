/**
 * Reads the configuration: defaults, then a JSON file, then environment variables, then command-line flags.
 * Every problem is reported as `where: path: message`, all at once, in a ConfigError.
 */
import { readFileSync } from "node:fs";
import { issueLines, inWords } from "../../protocol/zod-words.ts";
import { configSchema, type Config } from "./schema.ts";

export class ConfigError extends Error {
  readonly code = "config";
  constructor(readonly problems: string[]) {
    super("invalid configuration:\n" + problems.map((p) => "  " + p).join("\n"));
  }
}

type Json = Record<string, unknown>;

/** Environment variables and the config path each one sets (docs/configuration.md). */
export const ENV_OVERRIDES: Record<string, { path: string[]; type: "string" | "int" | "bool" }> = {
  LOYALTY_DB: { path: ["database"], type: "string" },
  LOYALTY_TZ: { path: ["timeZone"], type: "string" },
  LOYALTY_LOG_LEVEL: { path: ["log", "level"], type: "string" },
  LOYALTY_LOG_FILE: { path: ["log", "file"], type: "string" },
  LOYALTY_MQTT_URL: { path: ["mqtt", "url"], type: "string" },
  LOYALTY_MQTT_USERNAME: { path: ["mqtt", "username"], type: "string" },
  LOYALTY_MQTT_PASSWORD: { path: ["mqtt", "password"], type: "string" },
  LOYALTY_MQTT_PORT: { path: ["mqtt", "embedded", "port"], type: "int" },
  LOYALTY_MQTT_TLS: { path: ["mqtt", "embedded", "tls", "enabled"], type: "bool" },
  LOYALTY_MQTT_TLS_PORT: { path: ["mqtt", "embedded", "tls", "port"], type: "int" },
  LOYALTY_DEMO: { path: ["demo", "enabled"], type: "bool" },
  LOYALTY_DEMO_LIVE_GAP_MS: { path: ["demo", "liveGapMs"], type: "int" },
  LOYALTY_HTTP_HOST: { path: ["http", "host"], type: "string" },
  LOYALTY_HTTP_PORT: { path: ["http", "port"], type: "int" },
  LOYALTY_HTTP_TOKEN: { path: ["http", "token"], type: "string" },
  LOYALTY_REPORTS: { path: ["reports", "folder"], type: "string" },
  LOYALTY_SMTP_HOST: { path: ["smtp", "host"], type: "string" },
  LOYALTY_SMTP_PORT: { path: ["smtp", "port"], type: "int" },
  LOYALTY_SMTP_USER: { path: ["smtp", "user"], type: "string" },
  LOYALTY_SMTP_PASS: { path: ["smtp", "pass"], type: "string" },
  LOYALTY_HUB_URL: { path: ["hub", "url"], type: "string" },
  LOYALTY_HUB_STORE: { path: ["hub", "storeId"], type: "string" },
  LOYALTY_HUB_USERNAME: { path: ["hub", "username"], type: "string" },
  LOYALTY_HUB_PASSWORD: { path: ["hub", "password"], type: "string" },
};

function setPath(target: Json, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
    node = node[key] as Json;
  }
  node[path[path.length - 1] as string] = value;
}

function fromEnv(env: NodeJS.ProcessEnv, into: Json, problems: string[]): void {
  for (const [name, spec] of Object.entries(ENV_OVERRIDES)) {
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    let value: unknown = raw;
    if (spec.type === "int") {
      value = Number(raw);
      if (!Number.isInteger(value)) problems.push(`env ${name}: expected an integer, got '${raw}'`);
    } else if (spec.type === "bool") {
      if (!/^(1|0|true|false|yes|no)$/i.test(raw)) problems.push(`env ${name}: expected true or false, got '${raw}'`);
      value = /^(1|true|yes)$/i.test(raw);
    }
    setPath(into, spec.path, value);
  }
}

export interface LoadOptions {
  /** A JSON config file. */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Values from flags, as nested config (they win over everything). */
  overrides?: Json;
}

function merge(a: Json, b: Json): Json {
  const out: Json = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = v && typeof v === "object" && !Array.isArray(v) && prev && typeof prev === "object" && !Array.isArray(prev) ? merge(prev as Json, v as Json) : v;
  }
  return out;
}

export function loadConfig(opts: LoadOptions = {}): Config {
  const problems: string[] = [];
  let input: Json = {};
  const where = opts.file ?? "config";
  if (opts.file) {
    let text: string;
    try {
      text = readFileSync(opts.file, "utf8");
    } catch (e) {
      throw new ConfigError([`${opts.file}: cannot read: ${(e as Error).message}`]);
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) problems.push(`${opts.file}: expected a JSON object`);
      else input = parsed as Json;
    } catch (e) {
      problems.push(`${opts.file}: not valid JSON: ${(e as Error).message}`);
    }
  }
  const env: Json = {};
  fromEnv(opts.env ?? process.env, env, problems);
  input = merge(merge(input, env), opts.overrides ?? {});
  const r = configSchema.safeParse(input, { error: inWords });
  if (!r.success) for (const line of issueLines(r.error)) problems.push(`${where}: ${line}`);
  if (problems.length) throw new ConfigError(problems);
  return (r as { data: Config }).data;
}
