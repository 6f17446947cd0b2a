/**
 * Raw broker rate, QoS 1 one way, no gateway: publishers in the load process -> broker -> one mqtt.js subscriber
 * in this process (where the gateway's client would be), subscribed like the gateway (`+/up`, QoS 1, a persistent
 * session on an external broker and a clean one on the embedded broker, as gateway/app.ts connects). Rate = messages received / (first publish -> last message received).
 */
import mqtt from "mqtt";
import { deviceEnd } from "../protocol/endpoints.ts";
import type { LoadPool } from "./load-client.ts";
import type { RawResult } from "./messages.ts";
import { epochMs, procCpuMs, selfCpuMs } from "./stats.ts";

export interface BrokerRate {
  publishers: number;
  messages: number;
  received: number;
  elapsedMs: number;
  eps: number;
  /** CPU of this process (subscriber, and the broker when embedded), the load process, and an external broker, % of one core. */
  cpu: { gateway: number; load: number; broker?: number };
}

const PREFIX = "rawbench";

/** A real event frame (about 120 bytes), the payload of every raw message. */
function eventFrame(): string {
  const r = deviceEnd().encode({ t: "event", d: "bench-raw-000", b: "0badc0de", n: 1234, k: "yes", ts: Date.now(), sync: 1 });
  if (!r.ok) throw new Error(r.reason);
  return r.line;
}

export async function rawBrokerRate(
  url: string,
  load: LoadPool,
  o: { publishers: number; perPublisher: number; window: number; timeoutMs: number; brokerPid?: number | undefined; embedded: boolean },
): Promise<BrokerRate> {
  const sub = await mqtt.connectAsync(url, { clientId: "bench-raw-sub", clean: o.embedded, reconnectPeriod: 0 });
  const total = o.publishers * o.perPublisher;
  let received = 0;
  let last = 0;
  let all: () => void = () => undefined;
  const allIn = new Promise<void>((resolve) => (all = resolve));
  sub.on("message", () => {
    last = epochMs();
    if (++received >= total) all();
  });
  await sub.subscribeAsync(PREFIX + "/v1/dev/+/up", { qos: 1 });
  const topics = Array.from({ length: o.publishers }, (_, i) => `${PREFIX}/v1/dev/bench-raw-${String(i).padStart(3, "0")}/up`);
  const cpu0 = process.cpuUsage();
  const broker0 = procCpuMs([o.brokerPid]);
  const wall0 = performance.now();
  try {
    const r = await load.call<RawResult>({ op: "raw", url, topics, perPublisher: o.perPublisher, window: o.window, payload: eventFrame(), timeoutMs: o.timeoutMs });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([allIn, new Promise((resolve) => (timer = setTimeout(resolve, o.timeoutMs)))]);
    clearTimeout(timer);
    const wall = performance.now() - wall0;
    const elapsedMs = last - r.startEpochMs;
    const pct = (ms: number) => Math.round((ms / wall) * 100);
    return {
      publishers: o.publishers,
      messages: total,
      received,
      elapsedMs,
      eps: received / (elapsedMs / 1000),
      cpu: { gateway: pct(selfCpuMs(cpu0)), load: pct(r.cpuMs), ...(o.brokerPid ? { broker: pct(procCpuMs([o.brokerPid]) - broker0) } : {}) },
    };
  } finally {
    await sub.unsubscribeAsync(PREFIX + "/v1/dev/+/up").catch(() => undefined);
    await sub.endAsync(true);
  }
}
