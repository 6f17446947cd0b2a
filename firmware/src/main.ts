/**
 * The one file that touches Espruino globals (style.md "One wiring place"): it builds the outbox, session,
 * buttons, LEDs and the transport, then starts. Start-up runs from E.on("init") (saved firmware) and directly
 * (code just uploaded); a guard keeps it to once per boot. Build-time constants (LB_*) come from
 * firmware/build/build.ts; docs/firmware.md explains each choice, "Memory" why the wiring is this lean.
 */
import { MAX_DOWN_LINE } from "../../protocol/constants.ts";
import { decodeDown } from "../../protocol/device-codec.ts";
import { countBoot } from "./boot.ts";
import { LED_MS, TICK_EVERY, WATCHDOG_S, WIFI_RETRY_MS } from "./constants.ts";
import type { Flash } from "./flash.ts";
import { createMqtt, type MqttSocket } from "./mqtt.ts";
import { createOutbox } from "./outbox.ts";
import { createButtons } from "./press.ts";
import { createSession, type SessionOptions } from "./session.ts";
import type { Timers } from "./timers.ts";
import { createUi, mask } from "./ui.ts";

let started = false;

/*
 * Pins come from the board profile by name and are looked up as the globals Espruino defines for them (`B3`,
 * `LED1`): `new Pin("LED1")` gives an empty, truthy pin on 2v29. One watch callback serves every button: the
 * event carries its `pin`. The LED refresh also runs the session's one-second tick. The boot id is the boot
 * count from flash (high 16 bits) and the hardware random source (low 16 bits): unique across reboots even where
 * the random number repeats (docs/protocol.md "Boot id"). With `tls` in `lbnet` the broker is reached over
 * require("tls") (the wifi and esp32 builds have it; ESP8266 has not): Espruino 2v29 encrypts but does not check
 * the broker's certificate, so no `ca` is passed (docs/firmware.md "TLS").
 */
const start = () => {
  if (started) return;
  started = true;
  E.enableWatchdog(WATCHDOG_S, true);
  const t0 = getTime();
  const now = () => Math.floor((getTime() - t0) * 1000);
  const T: Timers = { set: setTimeout, clear: clearTimeout } as unknown as Timers;
  const fl = require("Storage") as unknown as Flash;
  const d = getSerial();
  const ui = createUi();
  const ob = createOutbox(fl);
  const P = LB_PINS.split(" ").map((n) => (n === "-" ? undefined : (global[n] as Pin)));
  const O: SessionOptions = {
    d: d,
    b: ((countBoot(fl) * 65536 + (E.hwRand() & 65535)) >>> 0).toString(16).padStart(8, "0"),
    fw: LB_FW,
    role: LB_ROLE,
    cap: LB_CAP,
    crc: E.CRC32,
    decode: (l) => decodeDown(l, E.CRC32, LB_DOWN, LB_ENUMS),
    flash: fl,
    outbox: ob,
    ui: ui,
    now: now,
    send: (l) => false,
    mem: process.memory,
  };
  const s = createSession(O);
  const btn = createButtons({ timers: T, held: s.st, emit: s.record });
  P.forEach((p, i) => {
    if (i > 3 || !p || (LB_ROLE !== "combo" && !i !== (LB_ROLE === "seller"))) return;
    pinMode(p, "input_pullup");
    setWatch(
      (e) => {
        btn.raw(P.indexOf(e.pin), !e.state, Math.floor((e.time - t0) * 1000));
      },
      p,
      { repeat: true, edge: "both" },
    );
  });
  let n = 0;
  setInterval(() => {
    if (++n % TICK_EVERY === 0) s.tick();
    const m = mask(ui, now());
    if (P[4]) digitalWrite(P[4], m & 1);
    if (P[5]) digitalWrite(P[5], m >> 1);
  }, LED_MS);
  global.LB_ = { o: ob.st, s: s.st, u: ui, b: btn.st };
  if (LB_MQTT) {
    const net = Object.assign(LB_NET, fl.readJSON("lbnet", true) || {});
    const top = (net.prefix || "lb") + "/v1/dev/" + d + "/";
    const join = () => {
      require(LB_WIFI as "Wifi").connect(net.ssid, { password: net.pass }, (err) => {
        if (err) return setTimeout(join, WIFI_RETRY_MS);
        const mq = createMqtt({
          open: (ready) => require(net.tls ? "tls" : "net").connect({ host: net.host, port: net.port || 1883 }, ready) as unknown as MqttSocket,
          id: "lb-" + d,
          u: d,
          k: net.k,
          top: top,
          timers: T,
          msg: s.recv,
          up: s.link,
        });
        O.send = (l) => mq.pub(top + "up", l.slice(0, -1));
        (global.LB_ as { m?: unknown }).m = mq.st;
      });
    };
    s.link(false);
    join();
  } else if (LB_REPL) {
    /* Frames go where the REPL is (the cable the gateway writes `\x10LB(...)` into): the console device. */
    O.send = (l) => {
      const c = E.getConsole();
      if (c) (global[c] as SerialDevice).write(l);
      return !!c;
    };
    global.LB = s.recv;
    s.hello();
  } else {
    const port = global[LB_PORT] as SerialDevice;
    O.send = (l) => {
      port.write(l);
      return true;
    };
    if (LB_PORT !== "USB") port.setup(115200);
    (LB_PORT === "USB" ? LoopbackA : USB).setConsole(true);
    let buf = "";
    port.on("data", (c) => {
      buf += c;
      let i = buf.indexOf("\n");
      while (i >= 0) {
        s.recv(buf.slice(0, i));
        buf = buf.slice(i + 1);
        i = buf.indexOf("\n");
      }
      if (buf.length > MAX_DOWN_LINE + 2) buf = "";
    });
    s.hello();
  }
};

E.on("init", start);
start();
