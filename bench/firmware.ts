/**
 * `npm run bench:firmware`: the firmware's size and memory, per board x role x transport, measured on the REAL
 * Espruino 2v29 interpreter built with each board's own variable pool and block size (firmware/interpreter/):
 * - bytes: the minified bundle as `loyalty flash` uploads it;
 * - after start: variables in use once paired and given the time (process.memory() after a garbage collection);
 * - full outbox: after a boot with the outbox full (MAX_UNACKED unacked events in flash, the oldest in flight)
 *   and three more presses arriving at it (the oldest dropped and counted);
 * - free: the pool's share left at a full outbox (the target is at least 25 %, docs/firmware.md "Memory");
 * - sim: the Node simulator's estimate after start (serial builds only), labelled as such: it is not a board.
 * One line per variant as it finishes; the LAST line is one JSON object with every figure.
 * `--board pico` (repeatable) limits the boards; `--jobs 2` runs that many interpreters at once (default 2).
 */
import { parseArgs } from "node:util";
import { BOARDS, ROLES } from "../firmware/build/boards.ts";
import { buildFirmware, BUDGET } from "../firmware/build/build.ts";
import { configFor, fullOutbox, realBundle, realPeer, sleep, type RealPeer, type Transport } from "../firmware/interpreter/peer.ts";
import { createSimulatedBoard } from "../firmware/sim/index.ts";
import { MAX_UNACKED, SEG } from "../firmware/src/constants.ts";
import { startEmbeddedBroker, type EmbeddedBroker } from "../gateway/ingest/broker.ts";
import { testCredentials, type TestCredentials } from "../gateway/testkit/credentials.ts";
import { silentLogger } from "../gateway/log.ts";
import { replCall } from "../protocol/repl.ts";
import { gatewayEnd } from "../protocol/endpoints.ts";

const { values: args } = parseArgs({ options: { board: { type: "string", multiple: true }, jobs: { type: "string", default: "2" } } });

interface Figures {
  board: string;
  role: string;
  transport: Transport;
  bytes: number;
  pool: number;
  blockBytes: number;
  varsAfterStart: number;
  varsFullOutbox: number;
  freeShareFullOutbox: number;
  simEstimateAfterStart: number | null;
}

const FIRST_PRESSES: [string, number][] = [["yes", 150], ["no", 150], ["unsure", 150]];
const SELLER_PRESSES: [string, number][] = [["seller", 150], ["seller", 900], ["seller", 150]];

async function paired(p: RealPeer, serial: string, role: string): Promise<void> {
  await p.until("hello", () => p.got.some((m) => m.t === "hello"), 30_000);
  p.send(configFor(serial, role));
  p.send({ t: "time", d: serial, ms: Date.now() });
  const t0 = Date.now();
  while (!(await p.board.evaluate("LB_.s.c!==undefined&&LB_.s.off>=0"))) {
    if (Date.now() - t0 > 20_000) throw new Error(serial + ": not paired within 20 s");
    await sleep(100);
  }
}

/** The simulator's estimate for a serial build after start, paired: its own memory model (firmware/sim/memory.ts). */
function simEstimate(code: string, board: string, role: string, pool: number): number {
  const serial = "SIM-BENCH";
  const b = createSimulatedBoard({ bundle: code, board, vars: pool, serialNumber: serial });
  const end = gatewayEnd();
  for (const msg of [configFor(serial, role), { t: "time" as const, d: serial, ms: Date.now() }]) {
    const r = end.encode(msg);
    if (r.ok) b.serialInput(replCall(r.line));
  }
  b.advance(2000);
  const used = b.memory().usage;
  b.stop();
  return used;
}

async function measure(board: string, role: string, transport: Transport, broker: EmbeddedBroker, creds: TestCredentials): Promise<Figures> {
  const serial = `BENCH-${board}-${role}-${transport}`.toUpperCase();
  const code = await realBundle(board, role, transport);
  /* Over MQTT the board logs in with its own credential; the peer is the gateway's side in the broker's process. */
  const mqttPeer = transport === "mqtt" ? { brokerPort: broker.port, local: broker.local, secret: creds.issue(serial) } : {};
  const p = await realPeer({ board, role, transport, serial, ...mqttPeer });
  try {
    await paired(p, serial, role);
    const start = await p.memory();
    for (const [name, text] of Object.entries(fullOutbox(1, MAX_UNACKED / SEG))) await p.board.append(name, text);
    await p.board.kill();
    p.got.length = 0;
    await p.board.boot();
    await p.until("the outbox resent after boot", () => p.events().filter((e) => e.b === "0000beef").length >= 1, 30_000);
    p.send({ t: "time", d: serial, ms: Date.now() });
    for (const [btn, ms] of role === "seller" ? SELLER_PRESSES : FIRST_PRESSES) await p.press(btn as "yes", ms, 250);
    await sleep(500);
    const full = await p.memory();
    const errors = p.errors();
    if (errors.length) throw new Error(`${serial}: the interpreter printed errors: ${errors.join(" | ")}`);
    return {
      board,
      role,
      transport,
      bytes: Buffer.byteLength(code, "latin1"),
      pool: full.total,
      blockBytes: full.blocksize,
      varsAfterStart: start.usage,
      varsFullOutbox: full.usage,
      freeShareFullOutbox: Number((full.free / full.total).toFixed(3)),
      simEstimateAfterStart: transport === "serial" ? simEstimate(code, board, role, full.total) : null,
    };
  } finally {
    await p.close();
  }
}

async function main(): Promise<void> {
  const boards = args.board?.length ? args.board : Object.keys(BOARDS);
  const variants: [string, string, Transport][] = [];
  for (const b of boards) {
    if (!BOARDS[b]) throw new Error(`--board ${b}: expected one of ${Object.keys(BOARDS).join(", ")}`);
    for (const t of (BOARDS[b]!.mqtt ? ["serial", "mqtt"] : ["serial"]) as Transport[]) for (const r of ROLES) variants.push([b, r, t]);
  }
  const creds = testCredentials();
  const broker = await startEmbeddedBroker({ host: "127.0.0.1", port: 0, log: silentLogger(), check: creds.check });
  const results: Figures[] = [];
  try {
    /* Builds first (one at a time: esbuild per variant), then the interpreters, `jobs` at once. */
    for (const [b, r, t] of variants) await realBundle(b, r, t);
    let next = 0;
    const worker = async () => {
      while (next < variants.length) {
        const [b, r, t] = variants[next++]!;
        const f = await measure(b, r, t, broker, creds);
        results.push(f);
        process.stdout.write(
          `${b}/${r}/${t}: ${f.bytes} bytes (budget ${BUDGET}); variables after start ${f.varsAfterStart}, full outbox ${f.varsFullOutbox} of ${f.pool} ` +
            `(${f.blockBytes}-byte blocks, ${(f.freeShareFullOutbox * 100).toFixed(1)} % free)` +
            (f.simEstimateAfterStart === null ? "" : `; simulator's estimate after start ${f.simEstimateAfterStart}`) +
            "\n",
        );
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Number(args.jobs)) }, worker));
  } finally {
    await broker.stop();
  }
  results.sort((a, b) => variants.findIndex((v) => v.join() === [a.board, a.role, a.transport].join()) - variants.findIndex((v) => v.join() === [b.board, b.role, b.transport].join()));
  const minFree = Math.min(...results.map((f) => f.freeShareFullOutbox));
  process.stdout.write(`lowest free share at a full outbox: ${(minFree * 100).toFixed(1)} % (target 25 %)\n`);
  process.stdout.write(JSON.stringify({ runtime: "Espruino 2v29 (Linux build, board pools)", budgetBytes: BUDGET, minFreeShareFullOutbox: minFree, variants: results }) + "\n");
}

main().catch((e: Error) => {
  process.stderr.write("bench:firmware: " + e.message + "\n");
  process.exit(1);
});
