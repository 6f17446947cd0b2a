/**
 * A small MQTT 3.1.1 client over Espruino's `net` (docs/firmware.md "MQTT transport"; OASIS MQTT 3.1.1 sections 2
 * and 3): CONNECT with username and password (flags 0xee: username, password, will retain, will QoS 1, will, clean
 * session; section 3.1.2.3), a retained last will and keepalive, `online` retained on connect, PUBLISH at QoS 1,
 * SUBSCRIBE to one topic, PUBACK for what it receives at QoS 1, PINGREQ, reconnect with backoff 1 s doubling to
 * 30 s. Packets are byte strings (one char per byte), as Espruino sockets read and write them.
 *
 * It does not track its publishes' PUBACKs nor resend them: the outbox resends every event the gateway has not
 * acked, after a reconnect at once (the application `ack`, not the PUBACK, is what counts). The socket factory
 * and the timers come in as options, so the same code runs on a device, on the real interpreter and in the
 * simulator. Few functions on purpose: each one costs the device variables.
 */
import { KEEPALIVE_S, RECONNECT_MAX, RECONNECT_MS } from "./constants.ts";
import type { Timers } from "./timers.ts";

export interface MqttSocket {
  write(data: string): void;
  end(): void;
  on(event: string, fn: (this: MqttSocket, data?: unknown) => void): void;
}

export interface MqttOptions {
  /** Opens a TCP connection; `ready` runs once connected (require("net").connect). May throw (no route). */
  open: (ready: () => void) => MqttSocket;
  /** Client id, `lb-<serial>`. */
  id: string;
  /** Username (the serial) and password (the device's secret from `lbnet`), docs/protocol.md "MQTT". */
  u: string;
  k: string;
  /**
   * The device's topic prefix `<prefix>/v1/dev/<d>/` (docs/protocol.md "MQTT"): `state` (retained, last will
   * `offline`, `online` after connect) and `down` (subscribed) are built from it when needed.
   */
  top: string;
  timers: Timers;
  /** A message's payload on the down topic. */
  msg: (payload: string) => void;
  /** Connection up (CONNACK accepted) or down. */
  up: (up: boolean) => void;
}

/** A packet: fixed header `type`, remaining length (1..4 bytes of 7 bits, section 2.2.3), body. */
export const packet = (type: number, body: string): string => {
  let n = body.length;
  let s = String.fromCharCode(type);
  do {
    s += String.fromCharCode((n % 128) | (n > 127 ? 128 : 0));
    n = Math.floor(n / 128);
  } while (n > 0);
  return s + body;
};

/** A UTF-8 string field: our topics and ids are ASCII, so one char is one byte. */
export const field = (s: string): string => String.fromCharCode(s.length >> 8, s.length & 255) + s;

/**
 * `st`: on CONNACK accepted; next packet id of a publish (1 and 2 are `online` and the subscription's); wait reconnect backoff; buf unparsed bytes; s the socket; pong the
 * last PINGREQ answered; h the reconnect timer; g the ping timer. Parts (comments kept out of function bodies):
 * - `lost` drops the connection and schedules the next one;
 * - `ping` runs every keepalive: no answer to the last one drops the link; armed at `open` too, so a broker that
 *   takes the connection but never sends CONNACK (a half-open socket) is left after one keepalive;
 * - `data` splits what the broker sent into packets: CONNACK (2), PUBLISH (3), PINGRESP (13); others ignored;
 * - `open` connects; a socket's handlers ignore it once it is not the current one (`this` is the socket);
 * - `pub(topic, payload)` publishes at QoS 1; false when not connected (the outbox sends it again later).
 */
export const createMqtt = (o: MqttOptions) => {
  const T = o.timers;
  const st = { on: false, next: 2, wait: RECONNECT_MS, buf: "", s: undefined as MqttSocket | undefined, pong: true, h: 0 as unknown, g: 0 as unknown };
  const lost = () => {
    if (st.g) T.clear(st.g);
    const s = st.s;
    st.s = st.g = undefined;
    st.buf = "";
    if (s) s.end();
    if (st.on) {
      st.on = false;
      o.up(false);
    }
    if (!st.h) st.h = T.set(open, st.wait, 0);
    st.wait = Math.min(st.wait * 2, RECONNECT_MAX);
  };
  const ping = () => {
    st.g = 0;
    if (!st.pong) return lost();
    st.pong = false;
    if (st.s) st.s.write("\xc0\x00");
    st.g = T.set(ping, KEEPALIVE_S * 1000, 0);
  };
  const data = function (this: MqttSocket, d?: unknown) {
    if (this !== st.s) return;
    let b = st.buf + d;
    for (;;) {
      let n = 0;
      let m = 1;
      let i = 1;
      let c = 128;
      while (c & 128 && i < b.length && i < 5) {
        c = b.charCodeAt(i++);
        n += (c & 127) * m;
        m *= 128;
      }
      if (c & 128 && i >= 5) return lost();
      if (c & 128 || b.length < i + n) break;
      const h = b.charCodeAt(0);
      const body = b.substr(i, n);
      b = b.slice(i + n);
      if (h >> 4 === 2) {
        if (body.charCodeAt(1)) return lost();
        if (st.g) T.clear(st.g);
        st.on = st.pong = true;
        st.wait = RECONNECT_MS;
        st.g = T.set(ping, KEEPALIVE_S * 1000, 0);
        this.write(packet(0x33, field(o.top + "state") + "\x00\x01online") + packet(0x82, "\x00\x02" + field(o.top + "down") + "\x01"));
        o.up(true);
      } else if (h >> 4 === 3) {
        const tl = (body.charCodeAt(0) << 8) | body.charCodeAt(1);
        if (h & 6) this.write(packet(0x40, body.substr(2 + tl, 2)));
        o.msg(body.slice(2 + tl + (h & 6 ? 2 : 0)));
      } else if (h >> 4 === 13) st.pong = true;
      if (this !== st.s) return;
    }
    st.buf = b;
  };
  const drop = function (this: MqttSocket) {
    if (this === st.s) lost();
  };
  const open = () => {
    st.h = 0;
    try {
      const s = o.open(() => {
        if (st.s === s) s.write(packet(0x10, "\x00\x04MQTT\x04\xee" + String.fromCharCode(0, KEEPALIVE_S) + field(o.id) + field(o.top + "state") + field("offline") + field(o.u) + field(o.k)));
      });
      st.s = s;
      s.on("data", data);
      s.on("close", drop);
      s.on("error", drop);
      st.pong = false;
      st.g = T.set(ping, KEEPALIVE_S * 1000, 0);
    } catch (e) {
      lost();
    }
  };
  open();

  return {
    st: st,
    pub: (topic: string, payload: string): boolean => {
      if (!st.on) return false;
      st.next = st.next > 65000 ? 3 : st.next + 1;
      (st.s as MqttSocket).write(packet(0x32, field(topic) + String.fromCharCode(st.next >> 8, st.next & 255) + payload));
      return true;
    },
  };
};
