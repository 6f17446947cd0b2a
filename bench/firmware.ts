/**
 * `npm run bench:firmware`: the firmware's size and memory figures (issue 5 "Build", "Testing without hardware").
 * Builds every board, runs the Pico bundle in the simulator and prints, per line, what it measured; the LAST
 * line is one JSON object with every figure. Variables are the simulator's estimate (firmware/sim/memory.ts),
 * against a 1,600-variable (ESP8266-class) Espruino.
 */
import { performance } from "node:perf_hooks";
import { buildFirmware, BUDGET } from "../firmware/build/build.ts";
import { createSimulatedBoard } from "../firmware/sim/index.ts";
import { gatewayEnd } from "../protocol/endpoints.ts";
import { replCall } from "../protocol/repl.ts";

const SERIAL = "33ffd605-41573033-15720843";
const TOTAL = 1600;

async function main(): Promise<void> {
  const sizes: { [board: string]: number } = {};
  for (const board of ["pico", "wifi", "esp32"]) {
    const r = await buildFirmware({ board, write: false });
    sizes[board] = r.bytes;
    process.stdout.write(board + ": " + r.bytes + " bytes minified (budget " + BUDGET + ")" + (r.findings.length ? ", " + r.findings.length + " subset findings" : "") + "\n");
  }
  const code = (await buildFirmware({ board: "pico", write: false })).code;
  const end = gatewayEnd();
  const firstSeen = new Map<number, number>();
  let boot = "";
  const bootId = () => boot;
  const board = createSimulatedBoard({ bundle: code, board: "pico", vars: TOTAL });
  board.onLine((l) => {
    const r = end.decode(l);
    if (r.ok && r.msg.t === "event" && !firstSeen.has(r.msg.n)) firstSeen.set(r.msg.n, board.clock.now());
    if (r.ok) boot = r.msg.b;
  });
  const send = (msg: Parameters<typeof end.encode>[0]) => {
    const r = end.encode(msg);
    if (r.ok) board.serialInput(replCall(r.line));
  };
  send({ t: "config", d: SERIAL, tid: "bench", role: "combo", q: "staff", qt: "Ok?", w: 30000, l: 3000, fm: 1800000, hb: 60000 });
  send({ t: "time", d: SERIAL, ms: 1763884800000 });
  board.advance(2000);
  const afterStart = board.memory().usage;
  process.stdout.write("variables after start: " + afterStart + " of " + TOTAL + "\n");

  /* Press to frame: simulated time (the debounce) and host CPU time of the firmware's work for one press. */
  const samples: number[] = [];
  let simLatency = 0;
  for (let i = 0; i < 50; i++) {
    const t0 = board.clock.now();
    board.pressAndHold("yes");
    board.advance(49);
    const c0 = performance.now();
    board.advance(1);
    samples.push(performance.now() - c0);
    simLatency = (firstSeen.get(i + 1) ?? NaN) - t0;
    board.release("yes");
    board.advance(100);
    /* The gateway acks what it stored, so the in-flight window stays open. */
    send({ t: "ack", d: SERIAL, b: bootId(), n: [i + 1] });
  }
  samples.sort((a, b) => a - b);
  const cpuMedianMs = samples[Math.floor(samples.length / 2)] as number;
  process.stdout.write("press to frame: " + simLatency + " ms simulated (debounce), firmware work " + cpuMedianMs.toFixed(3) + " ms median on this host\n");

  /* Fill the outbox past its capacity with no acks: the in-RAM queue is at its largest. */
  for (let i = 0; i < 250; i++) {
    board.press("no", 60);
    board.advance(120);
  }
  board.advance(2000);
  const fullQueue = board.memory().usage;
  const ctx = board.context() as { LB_: { o: { f: unknown[]; drop: number } } };
  const flashBytes = board.flash.used();
  process.stdout.write("variables with a full outbox: " + fullQueue + " of " + TOTAL + " (in flight " + ctx.LB_.o.f.length + ", dropped " + ctx.LB_.o.drop + ", flash " + flashBytes + " bytes)\n");
  process.stdout.write("device errors: " + board.errors.length + "\n");
  board.stop();
  process.stdout.write(
    JSON.stringify({
      bundleBytes: sizes,
      budgetBytes: BUDGET,
      varsTotal: TOTAL,
      varsAfterStart: afterStart,
      varsFullQueue: fullQueue,
      outboxFlashBytes: flashBytes,
      pressToFrameSimMs: simLatency,
      pressToFrameHostMs: Number(cpuMedianMs.toFixed(3)),
    }) + "\n",
  );
}

main().catch((e: Error) => {
  process.stderr.write("bench:firmware: " + e.message + "\n");
  process.exit(1);
});
