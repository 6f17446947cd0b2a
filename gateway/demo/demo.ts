/**
 * The first-run demo (`npm start`): a scripted terminal connects to the running gateway over MQTT, is paired
 * automatically, and plays a loop of presses (answers, a silent customer, a force-majeure), so a newcomer sees
 * events stored and surveys derived without any hardware.
 */
import type { Gateway } from "../app.ts";
import type { Logger } from "../log.ts";
import { pair } from "../terminals/manage.ts";
import { overMqtt, type Connected } from "./transports.ts";

export const DEMO_SERIAL = "DEMO-0001";
export const DEMO_TERMINAL = "demo.till-1";

/** One loop of the demo: seconds after the loop starts, and the press. */
const SCRIPT: [number, "short" | "long" | "yes" | "no" | "unsure"][] = [
  [0, "short"],
  [2, "yes"],
  [6, "short"],
  [9, "no"],
  [12, "short"],
  [20, "long"],
  [22, "short"],
  [24, "unsure"],
  [28, "long"],
  [30, "short"],
  [32, "yes"],
];
const LOOP_S = 40;

export async function startDemo(gw: Gateway, log: Logger, timeZone: string): Promise<{ stop(): Promise<void> }> {
  const conn: Connected = await overMqtt({ serial: DEMO_SERIAL, role: "combo" }, gw.mqttUrl);
  const t = conn.terminal;
  if (!gw.store.terminals.currentPairing(DEMO_SERIAL)) {
    t.hello();
    await new Promise((r) => setTimeout(r, 300));
    gw.ingest.flush();
    pair(gw.store, { serial: DEMO_SERIAL, store: "demo", point: "till-1", question: "staff", questionText: "Вы довольны качеством обслуживания?", employee: "elena", timeZone }, Date.now(), "demo");
    log.info({ device: DEMO_SERIAL, terminal: DEMO_TERMINAL }, "demo terminal paired");
  }
  t.hello();
  const timers: NodeJS.Timeout[] = [];
  const loop = () => {
    for (const [sec, kind] of SCRIPT) {
      timers.push(
        setTimeout(() => {
          t.press(kind);
          log.info({ terminal: DEMO_TERMINAL, press: kind }, "demo press");
        }, sec * 1000),
      );
    }
  };
  loop();
  const every = setInterval(loop, LOOP_S * 1000);
  const resend = setInterval(() => t.resend(), 5000);
  return {
    async stop() {
      clearInterval(every);
      clearInterval(resend);
      timers.forEach(clearTimeout);
      await conn.close();
    },
  };
}
