/** Streams many events from a scripted terminal at a steady pace, and re-sends until everything is acked. */
import type { ScriptedTerminal } from "../../gateway/testkit/scripted-terminal.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";

const KINDS = ["short", "yes", "short", "no", "unsure", "short"] as const;

/** Sends `count` events, `perTick` every `tickMs`; resolves when all are sent (not acked). */
export function streamEvents(t: ScriptedTerminal, count: number, perTick = 250, tickMs = 25): Promise<void> {
  let sent = 0;
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      for (let i = 0; i < perTick && sent < count; i++, sent++) t.press(KINDS[sent % KINDS.length] as (typeof KINDS)[number]);
      if (sent >= count) {
        clearInterval(timer);
        resolve();
      }
    }, tickMs);
  });
}

/** Events recorded and acked so far. */
export function acked(t: ScriptedTerminal): number {
  return t.recorded - t.outbox.size;
}

/** Re-sends the oldest unacked events every `everyMs`, a window at a time, until the outbox is empty. */
export async function resendUntilDrained(t: ScriptedTerminal, timeoutMs = 90_000, everyMs = 500, window = 1000): Promise<void> {
  const timer = setInterval(() => t.resend(window), everyMs);
  try {
    await waitFor(`the outbox of ${t.serial} to drain (${t.outbox.size} left)`, () => t.outbox.size === 0, timeoutMs);
  } finally {
    clearInterval(timer);
  }
}
