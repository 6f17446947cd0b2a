/**
 * The devices of bench/ingest.ts, run in a child process of their own (in a store they are other machines, and
 * this keeps their CPU out of the gateway's event loop): scripted terminals over MQTT or pseudo-terminals, and
 * the raw publishers of the broker benchmark. Driven by commands from the parent over IPC (bench/messages.ts).
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import mqtt, { type MqttClient } from "mqtt";
import { ScriptedTerminal } from "../gateway/testkit/scripted-terminal.ts";
import { overMqtt, overSerial, type Connected } from "../gateway/testkit/transports.ts";
import type { EventKind } from "../protocol/schemas.ts";
import type { Command, RawResult, Reply, RunResult } from "./messages.ts";
import { epochMs, r2, selfCpuMs, summarize } from "./stats.ts";

const KINDS: EventKind[] = ["short", "yes", "short", "no", "unsure", "short"];

/** A scripted terminal that times each event from the moment it is written to the ack that names it. */
class TimedTerminal extends ScriptedTerminal {
  readonly sentAt = new Map<number, number>();
  latencies: number[] = [];
  lastAckAt = 0;
  onAck: (() => void) | undefined;

  /** Per event: its key (d/b/n), written and acked as epoch ms, to be joined with the gateway's own times. */
  hops: [string, number, number][] = [];

  timedPress(): void {
    const t = performance.now();
    this.sentAt.set(this.press(KINDS[this.recorded % KINDS.length] as EventKind), t);
  }

  override receive(line: string): void {
    super.receive(line);
    const m = this.received.pop();
    this.received.length = 0; // keep memory flat over tens of thousands of acks
    if (m?.t !== "ack" || m.b !== this.boot) return;
    const t = performance.now();
    for (const n of m.n) {
      const s = this.sentAt.get(n);
      if (s === undefined) continue;
      this.sentAt.delete(n);
      this.latencies.push(t - s);
      this.hops.push([`${this.serial}/${this.boot}/${n}`, performance.timeOrigin + s, performance.timeOrigin + t]);
      this.lastAckAt = t;
    }
    this.onAck?.();
  }

  reset(): void {
    this.sentAt.clear();
    this.latencies = [];
    this.hops = [];
    this.lastAckAt = 0;
    this.onAck = undefined;
  }
}

let conns: Connected[] = [];
const terms = () => conns.map((c) => c.terminal as TimedTerminal);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/* The devices' own event loop: a delay here is the simulator's share of the measured latency, not the gateway's. */
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();

function result(ts: TimedTerminal[], sent: number, t0: number, cpu0: NodeJS.CpuUsage): RunResult {
  const all = ts.flatMap((t) => t.latencies);
  const last = Math.max(...ts.map((t) => t.lastAckAt));
  const epoch = (t: number) => performance.timeOrigin + t;
  const hops = ts.flatMap((t) => t.hops);
  return { sent, acked: all.length, elapsedMs: last - t0, startEpochMs: epoch(t0), lastAckEpochMs: epoch(last), latency: summarize(all), latencies: all, hops, cpuMs: selfCpuMs(cpu0), loopDelayMaxMs: r2(loop.max / 1e6) };
}

/** Every terminal sends `perTerminal` events as fast as acks allow, keeping at most `window` unacked. */
function throughput(perTerminal: number, window: number, timeoutMs: number): Promise<RunResult> {
  const ts = terms();
  ts.forEach((t) => t.reset());
  loop.reset();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let sent = 0;
  let done = 0;
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(timer);
      ts.forEach((t) => (t.onAck = undefined));
      resolve(result(ts, sent, t0, cpu0));
    };
    timer = setTimeout(finish, timeoutMs);
    for (const t of ts) {
      let mine = 0;
      const pump = () => {
        while (mine < perTerminal && t.sentAt.size < window) {
          t.timedPress();
          mine++;
          sent++;
        }
        if (t.latencies.length >= perTerminal) {
          t.onAck = undefined;
          if (++done === ts.length) finish();
        }
      };
      t.onAck = pump;
      pump();
    }
  });
}

/** Every terminal presses `perSecond` times a second for `durationMs`, phases spread evenly; then waits for acks. */
async function paced(perSecond: number, durationMs: number, drainMs: number, slot = { index: 0, of: 1 }): Promise<RunResult> {
  const ts = terms();
  ts.forEach((t) => t.reset());
  const period = 1000 / perSecond;
  const each = Math.round(durationMs / period);
  loop.reset();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let sent = 0;
  await Promise.all(
    ts.map(
      (t, i) =>
        new Promise<void>((resolve) => {
          setTimeout(() => {
            let mine = 0;
            const tick = () => {
              t.timedPress();
              sent++;
              if (++mine >= each) {
                clearInterval(timer);
                resolve();
              }
            };
            const timer = setInterval(tick, period);
            tick();
          }, ((i * slot.of + slot.index) * period) / (ts.length * slot.of));
        }),
    ),
  );
  const deadline = performance.now() + drainMs;
  while (ts.some((t) => t.sentAt.size > 0) && performance.now() < deadline) await sleep(10);
  return result(ts, sent, t0, cpu0);
}

/** Raw broker rate, publisher side: QoS 1 publishes, at most `window` awaiting PUBACK per client. */
async function raw(c: Extract<Command, { op: "raw" }>): Promise<RawResult> {
  /* Client ids from the topics, which are unique across load processes; with secrets, logged in as that device. */
  const login = (device: string) => {
    const secret = c.secrets?.[device];
    return secret !== undefined ? { clientId: "lb-" + device, username: device, password: secret } : { clientId: `bench-pub-${device}` };
  };
  const clients: MqttClient[] = await Promise.all(c.topics.map((topic) => mqtt.connectAsync(c.url, { ...login(topic.split("/")[3] ?? topic), clean: true, reconnectPeriod: 0 })));
  const payload = Buffer.from(c.payload, "latin1");
  const cpu0 = process.cpuUsage();
  const start = epochMs();
  let published = 0;
  try {
    await Promise.race([
      Promise.all(
        clients.map(
          (client, i) =>
            new Promise<void>((resolve) => {
              const topic = c.topics[i] as string;
              let sent = 0;
              let acked = 0;
              const pump = () => {
                while (sent < c.perPublisher && sent - acked < c.window) {
                  sent++;
                  client.publish(topic, payload, { qos: 1 }, () => {
                    acked++;
                    published++;
                    if (acked === c.perPublisher) resolve();
                    else pump();
                  });
                }
              };
              pump();
            }),
        ),
      ),
      sleep(c.timeoutMs),
    ]);
    return { startEpochMs: start, published, pubackMs: epochMs() - start, cpuMs: selfCpuMs(cpu0) };
  } finally {
    await Promise.all(clients.map((cl) => cl.endAsync(true)));
  }
}

async function handle(c: Command): Promise<unknown> {
  switch (c.op) {
    case "mqtt":
      conns = await Promise.all(c.serials.map((serial) => overMqtt(new TimedTerminal({ serial }), c.url, { secret: c.secrets?.[serial] })));
      return conns.length;
    case "serial":
      conns = await Promise.all(c.paths.map((path, i) => overSerial(new TimedTerminal({ serial: c.serials[i] as string }), path)));
      return conns.length;
    case "hello":
      terms().forEach((t) => t.hello());
      return true;
    case "configured": {
      const deadline = performance.now() + c.timeoutMs;
      while (terms().some((t) => !t.config || !t.synced)) {
        if (performance.now() > deadline) throw new Error(`${terms().filter((t) => !t.config).length} terminals got no config in ${c.timeoutMs} ms`);
        await sleep(20);
      }
      return true;
    }
    case "throughput":
      return throughput(c.perTerminal, c.window, c.timeoutMs);
    case "paced":
      return paced(c.perSecond, c.durationMs, c.drainMs, c.slot);
    case "close":
      await Promise.all(conns.map((x) => x.close()));
      conns = [];
      return true;
    case "raw":
      return raw(c);
  }
}

process.on("message", (msg: { id: number; cmd: Command }) => {
  handle(msg.cmd).then(
    (value) => process.send?.({ id: msg.id, ok: true, value } satisfies Reply),
    (err: Error) => process.send?.({ id: msg.id, ok: false, error: err.stack ?? String(err) } satisfies Reply),
  );
});
process.on("disconnect", () => process.exit(0));
