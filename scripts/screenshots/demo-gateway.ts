/**
 * The demo gateway as `npm start` runs it (`loyalty gateway --demo`, docs/demo.md), in a child process on a temporary
 * database with ports chosen by the OS and the zone fixed, so the screenshots show what a first run shows. Its
 * output gives the web app's address, the demo admin's password and the day replayed.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { waitFor } from "../../gateway/testkit/wait.ts";

export interface DemoGateway {
  url: string;
  password: string;
  /** The scripted day replayed (yesterday), `YYYY-MM-DD`. */
  yesterday: string;
  stop(): Promise<void>;
}

const BIN = fileURLToPath(new URL("../../bin/loyalty.js", import.meta.url));

const CLOCK = fileURLToPath(new URL("./shifted-clock.ts", import.meta.url));
/** The demo's clock for the pictures: a Friday, 12:00 in Moscow, so two runs draw the same pages (shifted-clock.ts). */
export const SHOTS_CLOCK = "2026-11-20T09:00:00Z";

/**
 * Starts it in `dir` and waits until yesterday's surveys of both demo terminals are derived. Its clock starts at
 * `clock` (default SHOTS_CLOCK; null: the real one) and it presses nothing live, so what the pages show is the
 * scripted day and the seeded month only.
 */
export async function startDemoGateway(dir: string, timeZone = "Europe/Moscow", clock: string | null = SHOTS_CLOCK): Promise<DemoGateway> {
  const env = { ...process.env, LOYALTY_HTTP_PORT: "0", LOYALTY_MQTT_PORT: "0", LOYALTY_MQTT_TLS_PORT: "0", LOYALTY_REPORTS: join(dir, "reports"), LOYALTY_LOG_LEVEL: "warn", LOYALTY_DEMO_LIVE_GAP_MS: "0", ...(clock ? { LOYALTY_SHOTS_CLOCK: clock } : {}) };
  const preload = clock ? ["--import", "tsx", "--import", CLOCK] : [];
  const child = spawn(process.execPath, [...preload, BIN, "gateway", "--demo", "--db", join(dir, "loyalty.sqlite"), "--tz", timeZone], { stdio: ["ignore", "pipe", "pipe"], env });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGINT");
    await exited;
  };
  try {
    await waitFor("the demo's summary (Stop with Ctrl+C)", () => {
      if (child.exitCode !== null) throw new Error(`the demo gateway exited with ${child.exitCode}:\n${out}${err}`);
      return out.includes("Stop with Ctrl+C");
    }, 90_000);
    const web = /Web app: (http:\/\/\S+?)\/ : sign in as demo with password (\S+) /.exec(out);
    const day = /Yesterday \((\d{4}-\d\d-\d\d)\) is in the database/.exec(out);
    if (!web || !day) throw new Error(`the demo did not say its web address, password and day:\n${out}`);
    const g: DemoGateway = { url: web[1]!, password: web[2]!, yesterday: day[1]!, stop };
    /* Delivered over serial and MQTT, then derived: the review API lists the scripted day's surveys. */
    for (const terminal of ["demo.till-1", "demo.desk-2"]) {
      await waitFor(`yesterday's surveys of ${terminal}`, async () => {
        const r = await fetch(`${g.url}/api/review/surveys?from=${g.yesterday}&terminal=${terminal}`);
        return r.ok && ((await r.json()) as unknown[]).length > 0;
      }, 60_000);
    }
    return g;
  } catch (e) {
    await stop();
    throw e;
  }
}
