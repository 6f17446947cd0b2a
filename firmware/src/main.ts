/**
 * The one file that touches Espruino globals (style.md "One wiring place"): it builds flash, timers, the codec,
 * outbox, session, buttons, LEDs and the transport, then starts. Start-up runs from E.on("init") (saved
 * firmware) and directly (code just uploaded); a guard keeps it to once per boot.
 * Build-time constants (LB_*) come from firmware/build/build.ts; docs/firmware.md explains each choice.
 */
import { BUTTONS, MAX_DOWN_LINE } from "../../protocol/constants.ts";
import { createDeviceCodec } from "../../protocol/device-codec.ts";
import { hex8 } from "../../protocol/frame.ts";
import { deviceTopic } from "../../protocol/topics.ts";
import type { Flash } from "./flash.ts";
import { createMqtt, type MqttSocket } from "./mqtt.ts";
import { createOutbox } from "./outbox.ts";
import { createPress } from "./press.ts";
import { createSession } from "./session.ts";
import type { Timers } from "./timers.ts";
import { createUi, mask, onPress } from "./ui.ts";

/** A button held this long is reported stuck; watchdog; debounce. LB_PINS lists the buttons in BUTTONS order. */
const STUCK_MS = 60000;
const WATCHDOG_S = 10;
const DEBOUNCE_MS = 50;

let started = false;

const start = () => {
  if (started) return;
  started = true;
  E.enableWatchdog(WATCHDOG_S, true);
  const t0 = getTime();
  const now = () => Math.floor((getTime() - t0) * 1000);
  const timers: Timers = {
    after: (ms, fn) => setTimeout(fn, ms),
    cancel: (h) => {
      if (h) clearTimeout(h as number);
    },
  };
  const d = getSerial();
  const flash = require("Storage") as Flash;
  const ui = createUi();
  const pins = LB_PINS.split(" ");
  const codec = createDeviceCodec((s) => E.CRC32(s));
  const outbox = createOutbox({ flash: flash });
  let write = (line: string) => false;
  const cap = [LB_MQTT ? "mqtt" : "serial", "led", "flash"];
  if (!LB_MQTT && LB_REPL) cap.push("repl");
  const session = createSession({
    d: d,
    b: hex8(Math.random() * 4294967296),
    fw: LB_FW,
    role: LB_ROLE,
    cap: cap,
    codec: codec,
    flash: flash,
    outbox: outbox,
    now: now,
    send: (l) => write(l),
    mem: () => process.memory().free,
    identify: (s) => {
      ui.i = now() + s * 1000;
    },
    paired: (c) => {
      ui.p = !!c;
    },
  });
  const emit = (k: string, t: number, btn: string) => {
    const c = session.st.cfg;
    if (session.record(k, t, btn) && c) onPress(ui, k, now(), c.w, c.fm, LB_ROLE === "keypad");
  };
  BUTTONS.forEach((btn, i) => {
    const name = pins[i];
    const mine = LB_ROLE === "combo" || (btn === "seller") === (LB_ROLE === "seller");
    if (!mine || !name || name === "-") return;
    const pin = new Pin(name);
    const p = createPress({
      btn: btn,
      long: () => session.st.cfg ? session.st.cfg.l : 3000,
      stuck: STUCK_MS,
      timers: timers,
      emit: emit,
      confirm: () => {
        ui.c = now() + 1000;
      },
    });
    pinMode(pin, "input_pullup");
    setWatch((e) => {
      p.edge(!e.state, Math.floor((e.time - t0) * 1000));
    }, pin, { repeat: true, edge: "both", debounce: DEBOUNCE_MS });
  });
  const leds = pins.slice(4).map((n) => n !== "-" ? new Pin(n) : undefined);
  setInterval(() => {
    const m = mask(ui, now());
    ui.k = !session.stale();
    leds.forEach((pin, i) => {
      if (pin) digitalWrite(pin, (m >> i) & 1);
    });
  }, 250);
  setInterval(session.tick, 1000);
  global.LB_ = { o: outbox.st, s: session.st, u: ui };
  if (LB_MQTT) {
    const net = Object.assign(LB_NET, flash.readJSON("lbnet", true) || {});
    const pre = net.prefix || "lb";
    const up = deviceTopic(pre, d, "up");
    const join = () => {
      require(LB_WIFI as "Wifi").connect(net.ssid, { password: net.pass }, (err) => {
        if (err) {
          setTimeout(join, 10000);
          return;
        }
        const mq = createMqtt({
          open: (ready) => require("net").connect({ host: net.host, port: net.port || 1883 }, ready) as unknown as MqttSocket,
          id: "lb-" + d,
          state: deviceTopic(pre, d, "state"),
          sub: deviceTopic(pre, d, "down"),
          timers: timers,
          msg: (t, p) => {
            session.recv(p);
          },
          up: session.link,
        });
        write = (l) => mq.pub(up, l.slice(0, -1));
        (global.LB_ as { m?: unknown }).m = mq.st;
        session.hello();
      });
    };
    session.link(false);
    join();
  } else {
    const port = global[LB_PORT] as SerialDevice;
    write = (l) => {
      port.write(l);
      return true;
    };
    if (LB_REPL) {
      global.LB = (f: unknown) => {
        if (typeof f === "string") session.recv(f);
      };
    } else {
      if (LB_PORT !== "USB") port.setup(115200);
      (LB_PORT === "USB" ? LoopbackA : USB).setConsole(true);
      let buf = "";
      port.on("data", (s) => {
        buf += s;
        let i = buf.indexOf("\n");
        while (i >= 0) {
          session.recv(buf.slice(0, i));
          buf = buf.slice(i + 1);
          i = buf.indexOf("\n");
        }
        if (buf.length > MAX_DOWN_LINE + 2) buf = "";
      });
    }
    session.hello();
  }
}

E.on("init", start);
start();
