/**
 * Raw broker rate, QoS 1 one way, no gateway: publishers in the load process -> broker -> one subscriber in this
 * process (where the gateway is). The subscriber is an mqtt.js client subscribed as the gateway subscribes through
 * a client (`+/up`, QoS 1, clean: false); or, given `local`, the embedded broker's own in-process subscribe, as the
 * gateway itself receives on that broker (the only subscriber the embedded broker admits: its clients are devices
 * with their own credentials, which the publishers get from `issue`). Rate = messages received / (first publish -> last message received).
 */
import mqtt from "mqtt";
import type { LocalBus } from "../gateway/ingest/broker.ts";
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

/** The topic prefix of the raw runs, for an embedded broker started for them. */
export const RAW_PREFIX = PREFIX;

export async function rawBrokerRate(
  url: string,
  load: LoadPool,
  o: {
    publishers: number;
    perPublisher: number;
    window: number;
    timeoutMs: number;
    brokerPid?: number | undefined;
    local?: LocalBus | undefined;
    /** Issues a publisher's secret on a broker that checks them (the embedded one, with PREFIX as its prefix). */
    issue?: ((device: string) => string) | undefined;
  },
): Promise<BrokerRate> {
  const total = o.publishers * o.perPublisher;
  let received = 0;
  let last = 0;
  let all: () => void = () => undefined;
  const allIn = new Promise<void>((resolve) => (all = resolve));
  const onMessage = () => {
    last = epochMs();
    if (++received >= total) all();
  };
  const topic = PREFIX + "/v1/dev/+/up";
  let unsubscribe: () => Promise<void>;
  if (o.local) {
    const off = await o.local.subscribe(topic, onMessage);
    unsubscribe = async () => off();
  } else {
    const sub = await mqtt.connectAsync(url, { clientId: "bench-raw-sub", clean: false, reconnectPeriod: 0 });
    sub.on("message", onMessage);
    await sub.subscribeAsync(topic, { qos: 1 });
    unsubscribe = async () => {
      await sub.unsubscribeAsync(topic).catch(() => undefined);
      await sub.endAsync(true);
    };
  }
  const topics = Array.from({ length: o.publishers }, (_, i) => `${PREFIX}/v1/dev/bench-raw-${String(i).padStart(3, "0")}/up`);
  const cpu0 = process.cpuUsage();
  const broker0 = procCpuMs([o.brokerPid]);
  const wall0 = performance.now();
  try {
    const issue = o.issue;
    const secrets = issue ? Object.fromEntries(topics.map((t) => t.split("/")[3] as string).map((d) => [d, issue(d)])) : undefined;
    const r = await load.call<RawResult>({ op: "raw", url, topics, perPublisher: o.perPublisher, window: o.window, payload: eventFrame(), timeoutMs: o.timeoutMs, ...(secrets ? { secrets } : {}) });
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
    await unsubscribe();
  }
}
