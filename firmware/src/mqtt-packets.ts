/**
 * MQTT 3.1.1 packets as byte strings (one char per byte), as Espruino sockets read and write them.
 * Only what the firmware needs (OASIS MQTT 3.1.1, sections 2 and 3): CONNECT with a last will, PUBLISH QoS 0/1,
 * PUBACK, SUBSCRIBE, PINGREQ, DISCONNECT; and a splitter for what the broker sends.
 */

/* Remaining length, 1..4 bytes of 7 bits (section 2.2.3). */
const len = (n: number): string => {
  let s = "";
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 128;
    s += String.fromCharCode(b);
  } while (n > 0);
  return s;
};

const u16 = (n: number): string => String.fromCharCode(n >> 8, n & 255);

/** A UTF-8 string field; our topics and frames are ASCII, so one char is one byte. */
const str = (s: string): string => u16(s.length) + s;

export const packet = (type: number, body: string): string => String.fromCharCode(type) + len(body.length) + body;

/** CONNECT: protocol name `MQTT`, level 4, clean session, will at QoS 1 retained (section 3.1). `keep` in seconds. */
export const connect = (id: string, keep: number, willTopic: string, will: string): string =>
  packet(0x10, "\x00\x04MQTT\x04\x2e" + u16(keep) + str(id) + str(willTopic) + str(will));

/** PUBLISH; `id` 0 for QoS 0, else QoS 1 with that packet id. Never DUP: a lost publish is not resent here. */
export const publish = (topic: string, payload: string, id: number, retain: boolean): string =>
  packet(0x30 | (id ? 2 : 0) | (retain ? 1 : 0), str(topic) + (id ? u16(id) : "") + payload);

export const subscribe = (id: number, topic: string): string => packet(0x82, u16(id) + str(topic) + "\x01");

export const puback = (id: number): string => packet(0x40, u16(id));

export const PINGREQ = "\xc0\x00";
export const DISCONNECT = "\xe0\x00";

/**
 * Cuts complete packets off the front of `buf`, calling `each` with each one's fixed-header byte (type in the
 * high nibble, flags in the low one) and body; returns what is left (a partial packet). Returns undefined when
 * the length field is malformed (the caller drops the connection).
 */
export const split = (buf: string, each: (head: number, body: string) => void): string | undefined => {
  for (;;) {
    if (buf.length < 2) return buf;
    let n = 0;
    let mul = 1;
    let i = 1;
    let b;
    do {
      if (i >= buf.length) return buf;
      if (i > 4) return undefined;
      b = buf.charCodeAt(i++);
      n += (b & 127) * mul;
      mul *= 128;
    } while (b & 128);
    if (buf.length < i + n) return buf;
    each(buf.charCodeAt(0), buf.substr(i, n));
    buf = buf.slice(i + n);
  }
};

/** Packet id at `at` in a body. */
export const id16 = (body: string, at: number): number => (body.charCodeAt(at) << 8) | body.charCodeAt(at + 1);
