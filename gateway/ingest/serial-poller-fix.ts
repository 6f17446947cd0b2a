/**
 * Works around a bug in @serialport/bindings-cpp 13 (src/poller.cpp, Poller::poll): it remembers every event a
 * port waits for but restarts libuv's poll with only the newest one. When a write waits for "writable" while a
 * read waits for "readable", the port stops being read; if the peer is itself blocked writing to us (socat, a
 * device with a full buffer), both sides can wait forever. Found by reading the bindings while chasing an
 * intermittent stall of the 50,000-line serial flood test under heavy load (not reproduced on demand since).
 * The fix asks the native poller for every event that still has a listener. Applied by `fixSerialPoller()`, which
 * serial-port.ts's `realSerialPorts()` calls (once per program, by its wiring).
 */
import { createRequire } from "node:module";

interface PollerLike {
  listenerCount(event: string): number;
  poll(flag?: number): unknown;
}

const require = createRequire(import.meta.url);
const mod = require("@serialport/bindings-cpp/dist/poller.js") as {
  Poller: { prototype: PollerLike & { __lbFixed?: boolean } };
  EVENTS: { UV_READABLE: number; UV_WRITABLE: number; UV_DISCONNECT: number };
};

/** Puts the workaround in place (once, however often it is called); true when it is. */
export function fixSerialPoller(): boolean {
  const proto = mod.Poller.prototype;
  if (!proto.__lbFixed) {
    const original = proto.poll;
    const { UV_READABLE, UV_WRITABLE, UV_DISCONNECT } = mod.EVENTS;
    proto.poll = function (this: PollerLike, flag = 0) {
      let all = flag;
      if (this.listenerCount("readable") > 0) all |= UV_READABLE;
      if (this.listenerCount("writable") > 0) all |= UV_WRITABLE;
      if (this.listenerCount("disconnect") > 0) all |= UV_DISCONNECT;
      return original.call(this, all);
    };
    proto.__lbFixed = true;
  }
  return proto.__lbFixed === true;
}
