/**
 * The protocol session of one boot (docs/protocol.md "Messages", "Delivery"): hello while unpaired, config kept
 * in flash, clock sync, events through the outbox with retransmission, acks and nacks, status heartbeats, and the
 * local survey LEDs of each press (ui.ts). Pure: time, flash, the outbox, the codec and the way out come in as
 * options; main.ts calls `tick` each second and `recv` with each line from the gateway.
 */
import { encodeUp, type Crc } from "../../protocol/device-codec.ts";
import type { ConfigMsg, DownMsg, UpMsg } from "../../protocol/schemas.ts";
import { BUTTON_NAMES, DOWN_TRIES, FLIGHT, HB_MS, HELLO_MS, RETRY_MAX, RETRY_MS } from "./constants.ts";
import type { Flash } from "./flash.ts";
import { eventLine, type Outbox } from "./outbox.ts";
import { onPress, type UiState } from "./ui.ts";

export interface SessionOptions {
  /** Hardware serial and boot id. */
  d: string;
  b: string;
  /** What `hello` reports: firmware version, role, capabilities. */
  fw: string;
  role: string;
  cap: string[];
  crc: Crc;
  /** A down line to its message, or the code it was rejected with (protocol/device-codec.ts decodeDown). */
  decode: (line: string) => DownMsg | string;
  flash: Flash;
  outbox: Outbox;
  ui: UiState;
  /** Uptime in ms. */
  now: () => number;
  /**
   * Writes one frame line (with its `\n`); false when the link cannot take it now. Read at each send, so the
   * wiring may set it once the transport exists.
   */
  send: (line: string) => boolean;
  /** process.memory (its `free` is status.mem). */
  mem: () => { free: number };
}

/** What the device keeps of a config: W, L, Fmax and the heartbeat period. */
export interface Settings {
  w: number;
  l: number;
  fm: number;
  hb: number;
}

/**
 * `st`: c the settings once paired; off epoch ms minus uptime ms once `time` arrived in this boot (else -1); seq
 * the last event number; link the transport's state (MQTT connected, serial always up); hello and status the
 * uptime of the last ones sent. Parts (kept here, outside the function bodies, which would otherwise be RAM):
 * - `pump`: sends every in-flight event that is due; backoff 2 s doubling to 60 s;
 * - `recv`: one line from the gateway (raw, through `LB`, or an MQTT payload); a valid frame after a silence in
 *   which events went unanswered (two sends) means the link returned, so the in-flight events go again at once;
 * - `link(up)`: the transport went up (hello, so the gateway learns this boot, then resend in-flight events
 *   now) or down; `link(true, true)` only resends (a frame arrived after a silence);
 * - `record(kind, start, button)`: a press, stored before it is sent, ignored while unpaired; it also moves
 *   the survey LEDs;
 * - `tick`: hello while unpaired, status every heartbeat, resends, and whether the link looks down (the LED).
 */
export const createSession = (o: SessionOptions) => {
  const st = { c: undefined as Settings | undefined, off: -1, seq: 0, link: true, hello: -HELLO_MS, status: 0 };
  const ob = o.outbox;
  const out = (msg: object) => o.send(encodeUp(msg as UpMsg, o.crc));
  const hello = () => {
    st.hello = o.now();
    out({ t: "hello", d: o.d, b: o.b, fw: o.fw, pv: "1.0", role: o.role, cap: o.cap, up: st.hello });
  };
  const pump = (now: number) => {
    ob.fill(FLIGHT).forEach((e) => {
      if (e.w > now) return;
      e.p = e.p ? Math.min(e.p * 2, RETRY_MAX) : RETRY_MS;
      e.w = now + e.p;
      const f = e.l.split(",");
      out({ t: "event", d: o.d, b: f[0], n: +(f[1] as string), k: f[2], ts: +(f[3] as string), sync: +(f[4] as string), btn: (f[5] as string).slice(0, -1) || undefined });
    });
  };
  const set = (c: ConfigMsg | undefined) => {
    st.c = c ? { w: c.w, l: c.l, fm: c.fm, hb: c.hb } : undefined;
    o.ui.p = !!c;
  };
  set(o.flash.readJSON("lbc", true) as ConfigMsg | undefined);
  o.ui.k = true;
  const link = (up: boolean, again?: boolean) => {
    st.link = o.ui.k = up;
    if (!up) return;
    if (!again) hello();
    ob.st.f.forEach((e) => {
      e.w = e.p = 0;
    });
    pump(o.now());
  };

  return {
    st: st,
    hello: hello,
    link: link,
    recv: (line: string) => {
      const m = typeof line === "string" ? o.decode(line) : "";
      if (typeof m === "string" || m.d !== o.d) return;
      const t = m.t;
      if (t === "ack") m.n.forEach((n) => ob.done(m.b, n, "a"));
      else if (t === "nack") m.n !== undefined && m.b !== undefined ? ob.done(m.b, m.n, "x") : m.code === "not_paired" && hello();
      else if (t === "config") {
        o.flash.write("lbc", JSON.stringify(m));
        set(m);
      } else if (t === "time") st.off = m.ms - o.now();
      else if (t === "unpair") {
        o.flash.erase("lbc");
        set(undefined);
      }
      if (t === "unpair" || t === "query") hello();
      if (t === "identify") o.ui.i = o.now() + m.s * 1000;
      const e = ob.st.f[0];
      if (e && e.p >= RETRY_MS << 1) link(true, true);
      else pump(o.now());
    },
    record: (k: string, start: number, i: number) => {
      const c = st.c;
      if (!c) return;
      const y = st.off < 0 ? 0 : 1;
      ob.add(eventLine(o.b, ++st.seq, k, start + y * st.off, y, k === "stuck" ? (BUTTON_NAMES.split(" ")[i] as string) : ""));
      pump(o.now());
      onPress(o.ui, k, o.now(), c.w, c.fm, o.role === "keypad");
    },
    tick: () => {
      const now = o.now();
      if (!st.c && now - st.hello >= HELLO_MS) hello();
      if (now - st.status >= (st.c ? st.c.hb : HB_MS)) {
        st.status = now;
        out({ t: "status", d: o.d, b: o.b, up: now, q: ob.count(), drop: ob.st.drop, mem: o.mem().free });
      }
      pump(now);
      const e = ob.st.f[0];
      o.ui.k = st.link && !(e && e.p >= RETRY_MS << DOWN_TRIES);
    },
  };
};

export type Session = ReturnType<typeof createSession>;
