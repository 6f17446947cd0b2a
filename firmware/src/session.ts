/**
 * The protocol session of one boot (docs/protocol.md "Messages", "Delivery"): hello while unpaired, config kept
 * in flash, clock sync, events through the outbox with retransmission, acks and nacks, status heartbeats.
 * Pure: time, flash, the outbox, the codec and the way out come in as options; main.ts calls `tick` each second.
 */
import type { DeviceCodec } from "../../protocol/device-codec.ts";
import type { ConfigMsg, DownMsg, UpMsg } from "../../protocol/schemas.ts";
import type { Flash } from "./flash.ts";
import { eventLine, type Outbox } from "./outbox.ts";

/** Hello period while unpaired, first retransmit delay, its cap, events in flight, status period before config. */
export const HELLO_MS = 10000;
export const RETRY_MS = 2000;
export const RETRY_MAX = 60000;
export const FLIGHT = 4;
export const HB_MS = 60000;
/** Tries after which an unacked event shows the link-down LED. */
export const DOWN_TRIES = 3;

export interface SessionOptions {
  d: string;
  b: string;
  fw: string;
  role: string;
  cap: string[];
  codec: DeviceCodec;
  flash: Flash;
  outbox: Outbox;
  /** Uptime in ms. */
  now: () => number;
  /** Writes one frame line (with its `\n`); false when the link cannot take it now. */
  send: (line: string) => boolean;
  /** Free variables, for status.mem. */
  mem: () => number | undefined;
  /** identify: blink for s seconds. Config changes and pairing: `paired`. */
  identify: (s: number) => void;
  paired: (cfg: ConfigMsg | undefined) => void;
}

/**
 * Parts of the returned object and its helpers (kept here, outside the function body: on Espruino a
 * function's text, comments included, lives in RAM):
 * - `off`: Epoch ms minus uptime ms, once `time` arrived in this boot.
 * - `pump`: Sends every in-flight event that is due; backoff 2 s doubling to 60 s.
 * - `relink`: The link is back (a frame arrived, or the transport reconnected): resend in-flight events now.
 * - `recv`: One line from the gateway (raw or through `LB`); a valid frame after a silence in which events went
 *   unacked (two sends) means the link returned, so the in-flight events go again at once.
 * - `link`: Transport state (MQTT connected, serial always up).
 * - `record`: Records a press: stored before sent; ignored while unpaired.
 * - `stale`: Unacked events have gone unanswered: shown as link down.
 */
export const createSession = (o: SessionOptions) => {
  const st: { cfg?: ConfigMsg; off: number; seq: number; link: boolean; hello: number; status: number } = {
    off: -1,
    seq: 0,
    link: true,
    hello: -HELLO_MS,
    status: 0,
  };
  const out = (msg: object) => o.send(o.codec.encode(msg as UpMsg));
  const ob = o.outbox;
  const hello = () => {
    st.hello = o.now();
    out({ t: "hello", d: o.d, b: o.b, fw: o.fw, pv: "1.0", role: o.role, cap: o.cap, up: st.hello });
  };
  const pump = () => {
    const now = o.now();
    ob.fill(FLIGHT).forEach((e) => {
      if (e.w > now) return;
      e.p = e.p ? Math.min(e.p * 2, RETRY_MAX) : RETRY_MS;
      e.w = now + e.p;
      const f = e.l.split(",");
      out({ t: "event", d: o.d, b: f[0], n: +(f[1] as string), k: f[2], ts: +(f[3] as string), sync: +(f[4] as string), btn: (f[5] as string).slice(0, -1) || undefined });
    });
  };
  const relink = () => {
    ob.st.f.forEach((e) => {
      e.w = e.p = 0;
    });
    pump();
  };
  const setCfg = (c: ConfigMsg | undefined) => {
    st.cfg = c;
    o.paired(c);
  };
  setCfg(o.flash.readJSON("lbc", true) as ConfigMsg | undefined);

  return {
    st: st,
    hello: hello,
    recv: (line: string) => {
      const r = o.codec.decode(line);
      if (!r.ok || r.msg.d !== o.d) return;
      const m = r.msg as DownMsg;
      const t = m.t;
      if (t === "ack") m.n.forEach((n) => ob.ack(m.b, n));
      else if (t === "nack") m.n !== undefined && m.b !== undefined ? ob.refuse(m.b, m.n) : m.code === "not_paired" && hello();
      else if (t === "config") {
        o.flash.write("lbc", JSON.stringify(m));
        setCfg(m);
      } else if (t === "time") st.off = m.ms - o.now();
      else if (t === "unpair") {
        o.flash.erase("lbc");
        setCfg(undefined);
      }
      if (t === "unpair" || t === "query") hello();
      if (t === "identify") o.identify(m.s);
      const e = ob.st.f[0];
      if (e && e.p >= RETRY_MS << 1) relink();
      else pump();
    },
    link: (up: boolean) => {
      st.link = up;
      if (up) relink();
    },
    record: (k: string, start: number, btn: string) => {
      if (!st.cfg) return false;
      const y = st.off < 0 ? 0 : 1;
      ob.add(eventLine(o.b, ++st.seq, k, start + y * st.off, y, k === "stuck" ? btn : ""));
      pump();
      return true;
    },
    stale: () => {
      const e = ob.st.f[0];
      return !st.link || (!!e && e.p >= RETRY_MS << DOWN_TRIES);
    },
    tick: () => {
      const now = o.now();
      if (!st.cfg && now - st.hello >= HELLO_MS) hello();
      if (now - st.status >= (st.cfg ? st.cfg.hb : HB_MS)) {
        st.status = now;
        out({ t: "status", d: o.d, b: o.b, up: now, q: ob.count(), drop: ob.st.drop, mem: o.mem() });
      }
      pump();
    },
  };
};

export type Session = ReturnType<typeof createSession>;
