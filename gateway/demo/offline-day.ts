/**
 * Plays a scripted day on a simulated board that is offline from the gateway, in fast-forward: the board runs on
 * a fake clock, and before each item the demo sets the board's clock to the item's local time with a `time`
 * frame, as a gateway would (docs/protocol.md "time"). The board records every press in its outbox, stamped
 * with yesterday's times (`sync: 1`); the gateway receives them when the board is next connected, as it does from
 * a terminal that comes back after an outage. So a whole day plays in about a second of real time, and only the
 * presses themselves (debounce, short or long) run on the board's clock.
 * Serial boards get the frames on their cable as REPL calls; MQTT boards from a private broker that stands for
 * yesterday's network (the gateway never sees it).
 */
import { createServer, type AddressInfo } from "node:net";
import { Aedes } from "aedes";
import { createSimulatedBoard, type SimBoard, type SimFlash } from "../../firmware/sim/index.ts";
import { gatewayEnd } from "../../protocol/endpoints.ts";
import { replCall } from "../../protocol/repl.ts";
import type { DownMsg } from "../../protocol/schemas.ts";
import { downTopic, upTopic, DEFAULT_TOPIC_PREFIX } from "../../protocol/topics.ts";
import { pressesOf, visitTime, type LocalDate, type Visit } from "./day.ts";
import { fastForwardUntil } from "./fast-forward.ts";

export interface OfflineDayOptions {
  bundle: string;
  board: "pico" | "wifi";
  serial: string;
  /** The board's flash, holding its config (paired); the recorded events stay in its outbox. */
  flash: SimFlash;
  day: Visit[];
  date: LocalDate;
  timeZone: string;
}

const end = gatewayEnd();

function frame(msg: DownMsg): string {
  const r = end.encode(msg);
  if (!r.ok) throw new Error(`demo: cannot encode ${msg.t}: ${r.reason}`);
  return r.line;
}

/** Runs every press of the day on its own board (booted now, stopped at the end); resolves to the presses made. */
export async function playOfflineDay(o: OfflineDayOptions): Promise<number> {
  const yesterday = o.board === "pico" ? undefined : await privateBroker(o.serial);
  /* Yesterday's network is this private broker; the board's own settings (its credential) come back afterwards. */
  const own = o.flash.files.get("lbnet");
  if (yesterday) o.flash.files.set("lbnet", { data: JSON.stringify({ ...(own ? (JSON.parse(own.data) as object) : {}), host: "127.0.0.1", port: yesterday.port }), sf: false });
  const board = createSimulatedBoard({ bundle: o.bundle, board: o.board, clock: "fake", serialNumber: o.serial, flash: o.flash });
  let presses = 0;
  try {
    if (yesterday) await fastForwardUntil(board, `${o.serial} on yesterday's network`, () => yesterday.subscribed(), 50);
    for (const v of o.day) {
      const t0 = visitTime(v, o.date, o.timeZone);
      const time = frame({ t: "time", d: o.serial, ms: t0 });
      if (yesterday) await yesterday.setClock(board, time);
      else board.serialInput(replCall(time));
      let at = t0;
      for (const p of pressesOf(v, t0)) {
        board.advance(p.at - at);
        at = p.at;
        board.press(p.button, p.holdMs);
        presses++;
      }
      /* Let the last release settle past the debounce, and a long press reach L while held. */
      board.advance(Math.max(...pressesOf(v, t0).map((p) => p.at + p.holdMs)) - at + 200);
    }
    if (board.errors.length) throw new Error(`demo: the firmware on ${o.serial} raised: ${board.errors.join("; ")}`);
    return presses;
  } finally {
    board.stop();
    if (own) o.flash.files.set("lbnet", own);
    else o.flash.files.delete("lbnet");
    await yesterday?.close();
  }
}

interface YesterdayBroker {
  port: number;
  subscribed(): boolean;
  /** Publishes the time frame and a query, and waits for the hello that answers the query. */
  setClock(board: SimBoard, timeFrame: string): Promise<void>;
  close(): Promise<void>;
}

async function privateBroker(serial: string): Promise<YesterdayBroker> {
  const aedes = await Aedes.createBroker();
  const server = createServer(aedes.handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const up = upTopic(DEFAULT_TOPIC_PREFIX, serial);
  const down = downTopic(DEFAULT_TOPIC_PREFIX, serial);
  let subscribed = false;
  let hellos = 0;
  aedes.on("subscribe", (subs) => (subscribed ||= subs.some((s) => s.topic === down)));
  aedes.on("publish", (packet) => {
    if (packet.topic !== up) return;
    const r = end.decode(packet.payload.toString("latin1") + "\n");
    if (r.ok && r.msg.t === "hello") hellos++;
  });
  const publish = (line: string) =>
    new Promise<void>((resolve, reject) =>
      aedes.publish({ cmd: "publish", topic: down, payload: Buffer.from(line.replace(/\n$/, ""), "latin1"), qos: 1, retain: false, dup: false }, (err) => (err ? reject(err) : resolve())),
    );
  return {
    port: (server.address() as AddressInfo).port,
    subscribed: () => subscribed,
    async setClock(board, timeFrame) {
      const before = hellos;
      await publish(timeFrame);
      await publish(frame({ t: "query", d: serial }));
      await fastForwardUntil(board, `${serial} to take yesterday's time`, () => hellos > before, 0);
    },
    close: () => new Promise<void>((resolve) => aedes.close(() => server.close(() => resolve()))),
  };
}
