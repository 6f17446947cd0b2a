/**
 * A small MQTT 3.1.1 client over Espruino's `net` (issue 5 "MQTT transport"): CONNECT with a retained last
 * will and keepalive, `online` retained on connect, QoS 1 PUBLISH tracked until its PUBACK, SUBSCRIBE to one
 * topic, PINGREQ, reconnect with backoff 1 s doubling to 30 s. A publish lost with the connection is not resent
 * here: the outbox resends every unacked event after a reconnect (the application ack is what counts).
 * The socket factory and the timers come in as options, so the same code runs on a device and in the simulator.
 */
import { connect, DISCONNECT, id16, PINGREQ, publish, puback, split, subscribe } from "./mqtt-packets.ts";
import type { Timers } from "./timers.ts";

export interface MqttSocket {
  write(data: string): void;
  end(): void;
  on(event: string, fn: (data?: unknown) => void): void;
}

export interface MqttOptions {
  /** Opens a TCP connection to the broker; `ready` runs once connected (Espruino's require("net").connect). */
  open: (ready: () => void) => MqttSocket;
  id: string;
  /** Retained state topic: last will `offline`, `online` after connect. */
  state: string;
  /** Topic to subscribe to. */
  sub: string;
  timers: Timers;
  /** A message on `sub`. */
  msg: (topic: string, payload: string) => void;
  /** Connection up (CONNACK accepted) or down. */
  up: (up: boolean) => void;
}

/** Most QoS 1 publishes tracked while waiting for their PUBACK; the oldest is forgotten first. */
export const MAX_UNACKED = 8;
/** Keepalive, seconds: a PINGREQ this often, and the link is dropped when the last one went unanswered. */
export const KEEPALIVE_S = 30;

/**
 * Parts of the returned object and its helpers (kept here, outside the function body: on Espruino a
 * function's text, comments included, lives in RAM):
 * - `st`: on: CONNACK accepted; next: packet id; wait: reconnect backoff; pend: ids of publishes awaiting PUBACK.
 * - `pub`: Publishes at QoS 1 and tracks it until its PUBACK; false when not connected (the outbox sends it again).
 */
export const createMqtt = (o: MqttOptions) => {
  const T = o.timers;
  const st = { on: false, next: 1, wait: 1000, buf: "", pend: [] as number[] };
  let sock: MqttSocket | undefined;
  let hRe: unknown;
  let hPing: unknown;
  let pong = true;
  let stopped = false;
  const send = (p: string) => {
    if (sock) sock.write(p);
  };
  const id = () => {
    st.next = (st.next % 65535) + 1;
    return st.next;
  };
  const lost = () => {
    T.cancel(hPing);
    hPing = undefined;
    const s = sock;
    sock = undefined;
    st.buf = "";
    st.pend = [];
    if (s) s.end();
    if (st.on) {
      st.on = false;
      o.up(false);
    }
    if (stopped) return;
    T.cancel(hRe);
    hRe = T.after(st.wait, open);
    st.wait = Math.min(st.wait * 2, 30000);
  };
  const ping = () => {
    hPing = undefined;
    if (!pong) return lost();
    pong = false;
    send(PINGREQ);
    hPing = T.after(KEEPALIVE_S * 1000, ping);
  };
  const onPacket = (h: number, body: string) => {
    const t = h >> 4;
    if (t === 2) {
      if (body.charCodeAt(1)) return lost();
      st.on = pong = true;
      st.wait = 1000;
      hPing = T.after(KEEPALIVE_S * 1000, ping);
      send(publish(o.state, "online", id(), true));
      send(subscribe(id(), o.sub));
      o.up(true);
    } else if (t === 4) {
      const n = id16(body, 0);
      st.pend = st.pend.filter((q) => q !== n);
    } else if (t === 3) {
      const tl = id16(body, 0);
      const qos = h & 6;
      if (qos) send(puback(id16(body, 2 + tl)));
      o.msg(body.substr(2, tl), body.slice(2 + tl + (qos ? 2 : 0)));
    } else if (t === 13) pong = true;
  };
  const open = () => {
    hRe = undefined;
    if (stopped) return;
    const s = o.open(() => {
      if (sock === s) send(connect(o.id, KEEPALIVE_S, o.state, "offline"));
    });
    sock = s;
    s.on("data", (d) => {
      if (sock !== s) return;
      const rest = split(st.buf + d, onPacket);
      if (rest === undefined) lost();
      else if (sock === s) st.buf = rest;
    });
    const drop = () => {
      if (sock === s) lost();
    };
    s.on("close", drop);
    s.on("error", drop);
  };
  open();

  return {
    st: st,
    pub(topic: string, payload: string): boolean {
      if (!st.on) return false;
      const n = id();
      st.pend.push(n);
      if (st.pend.length > MAX_UNACKED) st.pend.shift();
      send(publish(topic, payload, n, false));
      return true;
    },
    stop() {
      stopped = true;
      T.cancel(hRe);
      hRe = undefined;
      if (st.on) send(DISCONNECT);
      lost();
    },
  };
};
