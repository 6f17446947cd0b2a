/**
 * Installer operations on terminals: pair, unpair, replace a device, change the key question or the employee
 * on duty from a given time. Each writes the history (nothing is overwritten), queues the messages the devices
 * need (sent by the running gateway, see store/commands.ts), and queues survey re-derivation when a change
 * reaches into the past.
 */
import { z } from "zod";
import { MAX_QUESTION_TEXT } from "../../protocol/constants.ts";
import { configSchema, questionKindSchema, type QuestionKind, type Role } from "../../protocol/schemas.ts";
import { inWords } from "../../protocol/zod-words.ts";
import { GatewayError } from "../errors.ts";
import type { Store } from "../store/store.ts";
import type { SettingKey } from "../surveys/settings.ts";
import { checkZone, existingStore } from "./stores.ts";

/** The effective time of a new terminal's first settings. */
export const FROM_THE_START = 0;

const idPart = z.string().regex(/^[A-Za-z0-9._-]{1,32}$/, "expected 1..32 of A-Z a-z 0-9 . _ -");

export interface PairRequest {
  serial: string;
  /** Join an existing terminal (a seller button to its keypad) instead of creating one. */
  terminal?: string | undefined;
  store?: string | undefined;
  point?: string | undefined;
  question?: QuestionKind | undefined;
  questionText?: string | undefined;
  employee?: string | undefined;
  /**
   * Creates an unknown store in this zone (the demo and tests). Without it, as from `loyalty pair`, a store must
   * have been added with `loyalty stores add` first and an unknown one is refused with the list of stores.
   */
  timeZone?: string | undefined;
  /** Window and thresholds recorded for a new terminal (the gateway's terminalDefaults), so later config edits do not rewrite its past. */
  timing?: { windowMs: number; longMs: number; fmMaxMs: number; heartbeatMs: number } | undefined;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  if (value === undefined) throw new GatewayError("invalid", `no ${what} given`);
  const r = schema.safeParse(value, { error: inWords });
  if (!r.success) throw new GatewayError("invalid", `${what} '${String(value)}': ${r.error.issues[0]?.message}`);
  return r.data;
}

/* zod's own wording for an enum ("Invalid option: expected one of ...") is not shown to people. */
function parseQuestion(value: unknown): QuestionKind {
  if (value === undefined) throw new GatewayError("invalid", "no question kind given: staff, office or recommend");
  const r = questionKindSchema.safeParse(value);
  if (!r.success) throw new GatewayError("invalid", `question '${String(value)}': expected staff, office or recommend`);
  return r.data;
}

const limits = (name: string, field: z.ZodNumber) => ({ name, min: field.minValue ?? 0, max: field.maxValue ?? Number.MAX_SAFE_INTEGER });

/** The limits of each timing setting: those the device accepts in `config` (docs/protocol.md, `config`). */
export const TIMING = {
  windowMs: limits("survey window", configSchema.shape.w),
  longMs: limits("long-press threshold", configSchema.shape.l),
  fmMaxMs: limits("force-majeure maximum", configSchema.shape.fm),
  heartbeatMs: limits("heartbeat period", configSchema.shape.hb),
};

export type TimingKey = keyof typeof TIMING;

function checkTiming(key: TimingKey, value: unknown): void {
  const t = TIMING[key];
  if (typeof value !== "number" || !Number.isInteger(value) || value < t.min || value > t.max) {
    throw new GatewayError("invalid", `${t.name} ${String(value)} ms: expected whole ms from ${t.min} to ${t.max}`);
  }
}

function seenDevice(store: Store, serial: string) {
  const d = store.devices.get(serial);
  if (!d) throw new GatewayError("not_found", `device ${serial} has never been heard; connect it and wait for its hello (loyalty pair lists pending devices)`);
  return d;
}

/** Pairs a pending device; returns the terminal id. */
export function pair(store: Store, req: PairRequest, now: number, by: string | null = null): string {
  return store.tx(() => {
    const device = seenDevice(store, req.serial);
    const current = store.terminals.currentPairing(req.serial);
    if (current) throw new GatewayError("conflict", `device ${req.serial} is already paired to terminal ${current.terminalId}; unpair it first or use replace`);
    const role = (device.role ?? "combo") as Role;
    let terminalId: string;
    if (req.terminal !== undefined) {
      terminalId = req.terminal;
      if (!store.terminals.terminal(terminalId)) throw new GatewayError("not_found", `terminal ${terminalId} does not exist`);
      const roles = store.terminals.devicesOf(terminalId).map((p) => p.role);
      if (roles.includes(role) || roles.includes("combo") || (role === "combo" && roles.length > 0)) {
        throw new GatewayError("conflict", `terminal ${terminalId} already has a ${role === "combo" ? "device" : role}; use replace`);
      }
    } else {
      if (role === "seller") throw new GatewayError("invalid", `device ${req.serial} is a seller button: pair it to its keypad's terminal with --terminal`);
      const storeId = parse(idPart, req.store, "store");
      const point = parse(idPart, req.point, "point");
      const question = parseQuestion(req.question);
      terminalId = `${storeId}.${point}`;
      if (store.terminals.terminal(terminalId)) throw new GatewayError("conflict", `terminal ${terminalId} exists; pair to it with --terminal, or use replace`);
      if (!store.terminals.store(storeId)) {
        if (req.timeZone === undefined) existingStore(store, storeId);
        else store.terminals.ensureStore(storeId, checkZone(req.timeZone, "time zone"), now);
      }
      store.terminals.createTerminal({ id: terminalId, storeId, point }, now);
      /*
       * A new terminal's first settings hold from the beginning, not from the pairing instant: a device clock
       * that lags the gateway's (by the time `time` took to arrive) stamps its first presses a little earlier.
       */
      const first: [SettingKey, unknown][] = [["questionKind", question], ["questionText", req.questionText ?? ""], ["employee", req.employee ?? null]];
      if (req.timing) for (const key of ["windowMs", "longMs", "fmMaxMs", "heartbeatMs"] as const) first.push([key, req.timing[key]]);
      for (const [key, value] of first) store.settings.set(terminalId, key, value, FROM_THE_START, now, by);
    }
    store.terminals.pair(req.serial, terminalId, role, now);
    store.commands.add(req.serial, { t: "config" }, now);
    return terminalId;
  });
}

/**
 * True when the device's MQTT credential was revoked (unpaired or replaced) and it has not been heard over a serial
 * cable since: it cannot reach the broker until `loyalty flash --transport mqtt` gives it a new secret. `pair` does
 * not revive the credential (docs/decisions.md "Revocation is final"); the CLI warns (docs/installer.md "Pairing").
 */
export function needsReflash(store: Store, serial: string): boolean {
  const revokedMs = store.credentials.revokedMs(serial);
  if (revokedMs === undefined) return false;
  const d = store.devices.get(serial);
  return !(d?.link?.startsWith("serial:") && d.lastSeenMs > revokedMs);
}

/**
 * Ends a device's pairing now; the device is told to forget its config, and its MQTT credential is revoked (the
 * running gateway's broker disconnects it within seconds; docs/installer.md "Pairing": an MQTT device is flashed
 * again, with a new secret, before it is paired again, and then receives the `unpair`).
 */
export function unpair(store: Store, serial: string, now: number): string {
  return store.tx(() => {
    const current = store.terminals.currentPairing(serial);
    if (!current) throw new GatewayError("not_found", `device ${serial} is not paired`);
    store.terminals.endPairing(serial, now);
    store.commands.add(serial, { t: "unpair" }, now);
    store.credentials.revoke(serial, now);
    return current.terminalId;
  });
}

/** Puts `newSerial` in place of `oldSerial` in its terminal; the terminal keeps its history; the old device's MQTT credential is revoked. */
export function replace(store: Store, oldSerial: string, newSerial: string, now: number): string {
  return store.tx(() => {
    const current = store.terminals.currentPairing(oldSerial);
    if (!current) throw new GatewayError("not_found", `device ${oldSerial} is not paired`);
    const fresh = seenDevice(store, newSerial);
    if (store.terminals.currentPairing(newSerial)) throw new GatewayError("conflict", `device ${newSerial} is already paired; unpair it first`);
    if (fresh.role && fresh.role !== current.role) {
      throw new GatewayError("invalid", `device ${newSerial} is a ${fresh.role} but ${oldSerial} plays ${current.role} in ${current.terminalId}`);
    }
    store.terminals.endPairing(oldSerial, now);
    store.commands.add(oldSerial, { t: "unpair" }, now);
    store.credentials.revoke(oldSerial, now);
    store.terminals.pair(newSerial, current.terminalId, current.role, now);
    store.commands.add(newSerial, { t: "config" }, now);
    return current.terminalId;
  });
}

/** Sets one setting of a terminal from `fromMs` on; devices get a new config, surveys re-derive if it is past. */
export function setSetting(store: Store, terminalId: string, key: SettingKey, value: unknown, fromMs: number, now: number, by: string | null = null): void {
  store.tx(() => {
    if (!store.terminals.terminal(terminalId)) throw new GatewayError("not_found", `terminal ${terminalId} does not exist`);
    if (key === "questionText") parse(z.string().max(MAX_QUESTION_TEXT).regex(/^[^\x00-\x1f\x7f]*$/, "no control characters"), value, "question text");
    if (key === "questionKind") parseQuestion(value);
    if (key in TIMING) checkTiming(key as TimingKey, value);
    store.settings.set(terminalId, key, value, fromMs, now, by);
    if (fromMs <= now) store.derived.enqueue(terminalId, fromMs);
    for (const p of store.terminals.devicesOf(terminalId)) store.commands.add(p.serial, { t: "config" }, now);
  });
}

export function setQuestion(store: Store, terminalId: string, kind: QuestionKind, text: string, fromMs: number, now: number, by: string | null = null): void {
  store.tx(() => {
    setSetting(store, terminalId, "questionKind", kind, fromMs, now, by);
    setSetting(store, terminalId, "questionText", text, fromMs, now, by);
  });
}

export function assignEmployee(store: Store, terminalId: string, employee: string | null, fromMs: number, now: number, by: string | null = null): void {
  setSetting(store, terminalId, "employee", employee, fromMs, now, by);
}

/**
 * Queues `identify` for a device (paired or pending): the running gateway sends it when the device is reachable
 * and the device blinks both LEDs for `seconds` (docs/protocol.md, docs/firmware.md "LEDs"). Returns the seconds.
 */
export function identify(store: Store, serial: string, seconds: string | number, now: number): number {
  seenDevice(store, serial);
  const s = Number(seconds);
  if (!Number.isInteger(s) || s < 1 || s > 600) throw new GatewayError("invalid", `--seconds '${String(seconds)}': expected whole seconds, 1..600`);
  store.commands.add(serial, { t: "identify", s }, now);
  return s;
}
