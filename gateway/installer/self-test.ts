/**
 * `loyalty test <terminal>`: the installer presses each button in turn; each press must arrive in the database
 * (the running gateway stores it, then acks it), and the command shows it with the LED feedback to expect
 * (docs/firmware.md "LEDs") and the time from the press to its storage.
 *
 * The presses are real events. So that they do not count in the indices, the command then marks the survey its
 * short press opened invalid and rejects the force-majeure period its long presses made, as an expert would
 * (audited, undoable; `--keep` leaves them as they are). The No and Unsure after the answer are that survey's extra
 * presses and leave the figures with it (pressed after its window, they stay unsolicited presses of that day).
 * docs/installer.md says to run it before the shop opens.
 */
import type { EventKind } from "../../protocol/schemas.ts";
import type { StoredEvent } from "../store/events.ts";

export interface TestStep {
  kind: EventKind;
  /** What the installer does. */
  ask: string;
  /** What the LEDs should show after it. */
  led: string;
}

/** The steps for a terminal with these device roles (combo, keypad, seller). `longMs` is its L. */
export function selfTestSteps(roles: string[], longMs: number): TestStep[] {
  const seller = roles.some((r) => r === "combo" || r === "seller");
  const keys = roles.some((r) => r === "combo" || r === "keypad");
  const keypadOnly = keys && !roles.includes("combo");
  const hold = `${(longMs / 1000).toLocaleString("en-US")} s`;
  const steps: TestStep[] = [];
  if (seller) steps.push({ kind: "short", ask: "Press the seller button briefly (a short press opens a survey)", led: keypadOnly ? "seller button: nothing to show (the keypad shows no window)" : "green LED blinks once a second: the survey window is open" });
  if (keys) {
    steps.push({ kind: "yes", ask: "Press Yes", led: "green LED on for 2 s: thank you" });
    const after = keypadOnly ? "green LED on for 2 s: thank you" : "no change: the survey was already answered, so this press is an extra press (stored, not counted)";
    steps.push({ kind: "no", ask: "Press No", led: after });
    steps.push({ kind: "unsure", ask: "Press Unsure", led: after });
  }
  if (seller) {
    steps.push({ kind: "long", ask: `Hold the seller button for ${hold}, until both LEDs light, then let go (force-majeure starts)`, led: "both LEDs on for 1 s, then the red LED flashes briefly every 2 s: force-majeure" });
    steps.push({ kind: "long", ask: `Hold the seller button again for ${hold} to end force-majeure`, led: "both LEDs on for 1 s, then off: back to normal" });
  }
  return steps;
}

export interface StepResult {
  step: TestStep;
  event?: StoredEvent;
  /** Press (device time) to stored (gateway time), ms; undefined when the press did not arrive. */
  pressToStoredMs?: number;
}

/**
 * A press stamped more than this before its step was asked for is not the installer's: an outbox replaying
 * older presses, or a seller's press before the test. It is shown and skipped.
 */
export const EARLIER_PRESS_MS = 60_000;

export interface SelfTestDeps {
  /** The terminal's events stored after row `afterId`. */
  since(afterId: number): StoredEvent[];
  lastId(): number;
  say(text: string): void;
  sleep(ms: number): Promise<void>;
  now(): number;
  pollMs: number;
  /** How long each press may take to arrive, ms. */
  stepTimeoutMs: number;
}

/** Runs the steps; resolves to one result per step (a step that timed out has no event, and the test stops). */
export async function runSelfTest(steps: TestStep[], d: SelfTestDeps): Promise<StepResult[]> {
  const results: StepResult[] = [];
  let after = d.lastId();
  for (const [i, step] of steps.entries()) {
    d.say(`[${i + 1}/${steps.length}] ${step.ask} ...\n`);
    const asked = d.now();
    const deadline = asked + d.stepTimeoutMs;
    let event: StoredEvent | undefined;
    while (!event) {
      for (const e of d.since(after)) {
        after = e.id;
        if (e.atMs < asked - EARLIER_PRESS_MS) {
          d.say(`      skipped a press from before this step: ${e.kind} from ${e.serial} at ${new Date(e.atMs).toISOString()} (a terminal sending what it stored earlier)\n`);
          continue;
        }
        if (e.kind === step.kind) {
          event = e;
          break;
        }
        d.say(`      got ${e.kind} from ${e.serial}, expected ${step.kind}: ${step.ask.toLowerCase()}\n`);
      }
      if (event) break;
      if (d.now() > deadline) {
        d.say(`      nothing arrived within ${d.stepTimeoutMs / 1000} s. See docs/installer.md "Troubleshooting" (no ack, clock not synced).\n`);
        results.push({ step });
        return results;
      }
      await d.sleep(d.pollMs);
    }
    const ms = event.receivedMs - event.atMs;
    const clock = event.synced ? "" : " (device clock not synced yet: the time is estimated)";
    d.say(`      arrived: ${event.kind} from ${event.serial}, press to stored ${ms} ms${clock}. LEDs: ${step.led}\n`);
    results.push({ step, event, pressToStoredMs: ms });
  }
  return results;
}

/** The reason written with the reviews that take the test's own presses out of the indices. */
export const SELF_TEST_REASON = "installer self-test (loyalty test)";

/** The test's own presses: the ids of the events its steps took, by kind. */
export interface TestPresses {
  short: number[];
  answers: number[];
  long: number[];
}

export function testPresses(results: readonly StepResult[]): TestPresses {
  const ids = (...kinds: EventKind[]) => results.filter((r) => r.event && kinds.includes(r.event.kind)).map((r) => r.event!.id);
  return { short: ids("short"), answers: ids("yes", "no", "unsure"), long: ids("long") };
}

/**
 * Whether a survey the test's short press opened is the test's alone: answered by one of the test's keys, or by
 * none (a seller-only terminal). A survey a customer answered in the meantime is left to the expert.
 */
export function isTestSurvey(survey: { answerEventId: number | null }, presses: TestPresses): boolean {
  return survey.answerEventId === null || presses.answers.includes(survey.answerEventId);
}

/**
 * Devices not heard for two heartbeats: the gateway is probably not running or the terminal not connected, and
 * the self-test would only time out (said before the first step).
 */
export function silentDevices(devices: { serial: string; lastSeenMs: number | undefined }[], now: number, heartbeatMs: number): string[] {
  return devices.filter((d) => d.lastSeenMs === undefined || now - d.lastSeenMs > 2 * heartbeatMs).map((d) => d.serial);
}

/** The closing summary lines. */
export function summary(results: StepResult[], total: number): string {
  const ok = results.filter((r) => r.event);
  const times = ok.map((r) => r.pressToStoredMs as number).filter((t) => t >= 0);
  if (ok.length < total) return `Self-test FAILED: ${ok.length} of ${total} presses arrived.\n`;
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted.length ? (sorted[Math.floor((sorted.length - 1) / 2)] as number) : 0;
  return (
    `Self-test passed: all ${total} presses arrived. Press to stored: median ${median} ms, worst ${sorted.at(-1) ?? 0} ms ` +
    `(the gateway acks each event right after storing it; a seller press counts from when it started, so it includes the hold).\n` +
    `The presses are stored as real events: one survey answered Yes and a short force-majeure period.\n`
  );
}
