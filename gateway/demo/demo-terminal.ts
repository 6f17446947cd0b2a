/**
 * One demo terminal: the real firmware bundle on a simulated board, connected to the running gateway over a
 * pseudo-terminal (serial boards) or MQTT (WiFi boards). Three boots share one flash, as one device:
 * 1. pairing: the board says hello, the demo pairs it (as `loyalty pair` would) and the board stores its config;
 * 2. yesterday: the board plays the scripted day offline in fast-forward (offline-day.ts) unless the database
 *    already holds that day for this terminal;
 * 3. today: the board boots connected in real time, delivers yesterday's outbox, then the live loop presses its
 *    buttons every few seconds. Every press goes through the board's pins, so the firmware's debounce and
 *    short/long logic run as on a device.
 */
import { connectSerialPath, createFlash, createSimulatedBoard, type SimBoard } from "../../firmware/sim/index.ts";
import type { Ingest } from "../ingest/ingest.ts";
import type { Store } from "../store/store.ts";
import { pair } from "../terminals/manage.ts";
import type { Workers } from "../workers.ts";
import { localToEpoch } from "../time/zone.ts";
import { expectedDay, isoDate, pressesOf, THINK_S, type DemoTerminalSpec, type LocalDate, type Visit } from "./day.ts";
import { fastForwardUntil } from "./fast-forward.ts";
import { playOfflineDay } from "./offline-day.ts";

/** What the demo uses of the running gateway (app.ts). */
export interface DemoGateway {
  store: Store;
  ingest: Pick<Ingest, "flush" | "reachableDevices">;
  workers: Pick<Workers, "commands" | "derive">;
  /** The broker URL in use ("" when MQTT is off). */
  mqttUrl: string;
  /** Opens one more serial port now. */
  openSerial(path: string): void;
  /** Closes a port opened with openSerial. */
  closeSerial(path: string): Promise<void>;
}

export interface DemoTerminalOptions {
  gw: DemoGateway;
  spec: DemoTerminalSpec;
  bundle: string;
  /** Serial boards: the pseudo-terminal end the board opens. */
  devicePath?: string;
  timeZone: string;
  /** The day to replay (yesterday in the store's zone). */
  date: LocalDate;
  timing: { windowMs: number; longMs: number; fmMaxMs: number; heartbeatMs: number };
  /** The live loop: one item every `gapMs`; 0 for none. */
  live: { loop: Visit[]; gapMs: number };
  say: (line: string) => void;
}

export interface RunningTerminal {
  /** Whether yesterday was replayed now (false: the database already had it). */
  replayed: boolean;
  board(): SimBoard | undefined;
  /** Starts the live loop (once every demo terminal is up, so the narration starts after the summary). */
  startLive(): void;
  stop(): void;
}

const ANSWER_NAMES: Record<string, string> = { yes: "Yes", no: "No", unsure: "Unsure", silent: "no answer (silent)" };

/** What one item does, in words, for the live log. */
export function describe(v: Visit): string {
  if (v.kind === "fm") return v.edge === "start" ? "seller long press: force-majeure starts" : "seller long press: force-majeure ends";
  if (v.kind === "stray") return `customer presses ${ANSWER_NAMES[v.key]} with no survey open (unsolicited)`;
  return `seller short press, customer: ${ANSWER_NAMES[v.answer]}`;
}

export async function startDemoTerminal(o: DemoTerminalOptions): Promise<RunningTerminal> {
  const { gw, spec } = o;
  const flash = createFlash();
  /* A WiFi board gets its own MQTT credential as `loyalty flash` gives it: issued in the gateway's database, written to lbnet. */
  if (!o.devicePath) flash.files.set("lbnet", { data: JSON.stringify({ k: gw.store.credentials.issue(spec.serial, Date.now()) }), sf: false });
  const cable = o.devicePath ? connectSerialPath(o.devicePath) : undefined;
  const boot = (clock: "fake" | "real") => {
    const board = createSimulatedBoard({ bundle: o.bundle, board: spec.board, clock, serialNumber: spec.serial, flash, onWrite: cable ? (d) => cable.write(d) : undefined });
    cable?.attach(board);
    return board;
  };
  let current: SimBoard | undefined;
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  const stop = () => {
    stopped = true;
    for (const t of timers) clearTimeout(t);
    timers.clear();
    current?.stop();
    cable?.close();
  };
  try {
    /* 1. Pairing boot. */
    current = boot("fake");
    const b1 = current;
    await fastForwardUntil(b1, `the hello of ${spec.serial}`, () => (gw.ingest.flush(), gw.store.devices.get(spec.serial)), 100);
    if (!gw.store.terminals.currentPairing(spec.serial)) {
      pair(gw.store, { serial: spec.serial, store: spec.store, point: spec.point, question: spec.question, questionText: spec.questionText, employee: spec.employee, timeZone: o.timeZone, timing: o.timing }, Date.now(), "demo");
      gw.workers.commands();
      o.say(`${spec.id}: paired device ${spec.serial} (question ${spec.question}, employee ${spec.employee})`);
    }
    await fastForwardUntil(b1, `the config of ${spec.serial}`, () => flash.files.has("lbc"), 100);
    b1.stop();
    current = undefined;

    /* 2. Yesterday, offline and fast-forwarded, unless the database has it. */
    const from = localToEpoch(o.timeZone, o.date.year, o.date.month, o.date.day);
    const to = localToEpoch(o.timeZone, o.date.year, o.date.month, o.date.day + 1);
    const stored = () => gw.store.events.countBetween(spec.id, from, to);
    const replayed = stored() === 0;
    const expected = expectedDay(spec.day, o.date, o.timeZone, o.timing.fmMaxMs);
    if (replayed) {
      const presses = await playOfflineDay({ bundle: o.bundle, board: spec.board, serial: spec.serial, flash, day: spec.day, date: o.date, timeZone: o.timeZone });
      o.say(`${spec.id}: played yesterday (${isoDate(o.date)}) offline in fast-forward: ${presses} presses, ${expected.surveys.length} customers, ${expected.periods.length} force-majeure`);
    } else o.say(`${spec.id}: yesterday (${isoDate(o.date)}) is already in the database; not replayed`);

    /* 3. Today: connected, real time. */
    current = boot("real");
    if (replayed) {
      await waitReal(`yesterday's events from ${spec.serial}`, () => stored() >= expected.events, 60_000);
      o.say(`${spec.id}: delivered yesterday's ${expected.events} events from its outbox`);
    }
    const startLive = () => {
      if (o.live.gapMs > 0 && o.live.loop.length > 0) livePresses(o, () => current, timers, () => stopped);
    };
    return { replayed, board: () => current, startLive, stop };
  } catch (err) {
    stop();
    throw err;
  }
}

async function waitReal(what: string, probe: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`demo: timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/* Plays the live loop in real time: an item every gapMs, the answer `think` after its short press. */
function livePresses(o: DemoTerminalOptions, board: () => SimBoard | undefined, timers: Set<NodeJS.Timeout>, stopped: () => boolean): void {
  const think = Math.min(THINK_S * 1000, Math.floor(o.live.gapMs * 0.4));
  let i = 0;
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!stopped()) fn();
    }, ms);
    timers.add(t);
  };
  const next = () => {
    const v = o.live.loop[i++ % o.live.loop.length]!;
    const t0 = Date.now();
    const presses = pressesOf(v, t0, think);
    for (const p of presses) later(p.at - t0, () => board()?.press(p.button, p.holdMs));
    o.say(`${o.spec.id}: ${describe(v)}`);
    /* A long press holds the seller button past L: the next item waits for its release. */
    later(Math.max(o.live.gapMs, ...presses.map((p) => p.at - t0 + p.holdMs + 300)), next);
  };
  later(0, next);
}
