/**
 * A small MQTT 3.1.1 client over Espruino's `net` (issue 5 "MQTT transport"): CONNECT with a retained last
 * will and keepalive, `online` retained on connect, QoS 1 PUBLISH kept until its PUBACK (resent with DUP after a
 * reconnect), SUBSCRIBE to one topic, PINGREQ, reconnect with backoff 1 s doubling to 30 s.
 * The socket factory and the timers come in as options, so the same code runs on a device and in the simulator.
 */
import { connect, DISCONNECT, id16, PINGREQ, publish, puback, split, subscribe, type Packet } from "./mqtt-packets.ts";
import type { Timers } from "./timers.ts";

export interface MqttSocket {
  write(data: string): void;
  end(): void;
  on(event: string, fn: (data?: unknown) => void): void;
}

export interface MqttOptions {
  /** Opens a TCP connection; `ready` runs once connected (Espruino's require("net").connect). */
  open: (host: string, port: number, ready: () => void) => MqttSocket;
  host: string;
  port: number;
  id: string;
  /** Keepalive, seconds. */
  keep: number;
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

/** Most QoS 1 publishes kept waiting for their PUBACK; the oldest goes first. */
export const MAX_UNACKED = 6;

export function createMqtt(o: MqttOptions) {
  const T = o.timers;
  const st = { on: false, next: 1, wait: 1000, buf: "", pend: [] as [number, string, string, boolean][] };
  let sock: MqttSocket | undefined;
  let hRe: unknown;
  let hPing: unknown;
  let pong = true;
  let stopped = false;

  const send = (p: string) => {
    if (sock) sock.write(p);
  }
  const put = (topic: string, payload: string, retain: boolean, dup: boolean, id: number) => {
    send(publish(topic, payload, id, retain, dup));
  }
  const lost = () => {
    T.cancel(hPing);
    hPing = undefined;
    const s = sock;
    sock = undefined;
    st.buf = "";
    if (s) s.end();
    if (st.on) {
      st.on = false;
      o.up(false);
    }
    if (stopped) return;
    T.cancel(hRe);
    hRe = T.after(st.wait, open);
    st.wait = Math.min(st.wait * 2, 30000);
  }
  const ping = () => {
    hPing = undefined;
    if (!pong) return lost();
    pong = false;
    send(PINGREQ);
    hPing = T.after(o.keep * 1000, ping);
  }
  const onPacket = (p: Packet) => {
    if (p.type === 2) {
      if (p.body.charCodeAt(1) !== 0) return lost();
      st.on = true;
      st.wait = 1000;
      pong = true;
      hPing = T.after(o.keep * 1000, ping);
      put(o.state, "online", true, false, st.next++);
      send(subscribe(st.next++, o.sub));
      st.pend.forEach((q) => {
        put(q[1], q[2], q[3], true, q[0]);
      });
      o.up(true);
    } else if (p.type === 4) {
      const id = id16(p.body, 0);
      st.pend = st.pend.filter((q) => q[0] !== id);
    } else if (p.type === 3) {
      const tl = id16(p.body, 0);
      const qos = (p.flags >> 1) & 3;
      const topic = p.body.substr(2, tl);
      if (qos) send(puback(id16(p.body, 2 + tl)));
      o.msg(topic, p.body.slice(2 + tl + (qos ? 2 : 0)));
    } else if (p.type === 13) {
      pong = true;
    }
  }
  const open = () => {
    hRe = undefined;
    if (stopped) return;
    const s = o.open(o.host, o.port, () => {
      if (sock === s) send(connect(o.id, o.keep, o.state, "offline"));
    });
    sock = s;
    s.on("data", (d) => {
      if (sock !== s) return;
      const rest = split(st.buf + d, onPacket);
      if (rest === undefined) lost();
      else if (sock === s) st.buf = rest;
    });
    s.on("close", () => {
      if (sock === s) lost();
    });
    s.on("error", () => {
      if (sock === s) lost();
    });
  }
  open();

  return {
    st: st,
    /** Publishes at QoS 1 (kept until PUBACK); false when not connected (it is still kept and sent on connect). */
    pub(topic: string, payload: string): boolean {
      const id = st.next++;
      if (st.next > 65535) st.next = 1;
      st.pend.push([id, topic, payload, false]);
      if (st.pend.length > MAX_UNACKED) st.pend.shift();
      if (st.on) put(topic, payload, false, false, id);
      return st.on;
    },
    /** Drops the connection as if the socket died (tests, link loss); reconnects with backoff. */
    drop: lost,
    stop: () => {
      stopped = true;
      T.cancel(hRe);
      hRe = undefined;
      if (st.on) send(DISCONNECT);
      lost();
    },
  };
}
