/**
 * Incremental rebuilds (gateway/surveys/rebuild.ts) in the store give the same surveys as deriving everything at once, whatever order and
 * batches the events arrive in (a terminal replaying its outbox after an outage), duplicates included.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { derive } from "../../gateway/surveys/derive.ts";
import type { TerminalEvent, TerminalSettings } from "../../gateway/surveys/model.ts";
import { rebuildDerived } from "../../gateway/surveys/rebuild.ts";
import { tempStore } from "../support/store.ts";

const settings: TerminalSettings = { questionKind: "staff", questionText: "Q", employee: "e", windowMs: 30_000, longMs: 3000, fmMaxMs: 600_000, heartbeatMs: 60_000 };
const T = "s.p";

const day = fc.array(
  fc.record({
    at: fc.integer({ min: 0, max: 300 }).map((t) => 1_763_884_800_000 + t * 5000),
    kind: fc.constantFrom("short", "short", "long", "yes", "no", "unsure" as const),
  }),
  { minLength: 1, maxLength: 60 },
);

describe("incremental rebuilds", () => {
  it("equal one full derivation for any arrival order, batching and duplicates", () => {
    fc.assert(
      fc.property(day, fc.array(fc.nat()), fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1 }), (presses, order, batchSizes) => {
        const store = tempStore();
        store.terminals.ensureStore("s", "UTC", 0);
        store.terminals.createTerminal({ id: T, storeId: "s", point: "p" }, 0);
        const events = presses.map((p, i) => ({ ...p, seq: i + 1 }));
        const arrival = events.map((e, i) => ({ e, k: order[i] ?? i })).sort((a, b) => a.k - b.k).map((x) => x.e);
        const withDups = [...arrival, ...arrival.filter((_, i) => (order[i] ?? 0) % 3 === 0)];
        let i = 0;
        let b = 0;
        while (i < withDups.length) {
          const batch = withDups.slice(i, i + (batchSizes[b++ % batchSizes.length] as number));
          i += batch.length;
          store.tx(() => {
            for (const e of batch) {
              const stored = store.events.insert({ serial: "D", boot: "b", seq: e.seq, kind: e.kind, btn: null, ts: e.at, synced: true, atMs: e.at, receivedMs: 0, terminalId: T, link: "x" });
              if (stored) store.derived.enqueue(T, e.at);
            }
          });
          for (const q of store.derived.queued()) rebuildDerived(store, q.terminalId, q.fromMs, () => settings);
        }
        const all = store.db.prepare("SELECT id, at_ms AS at, kind, serial AS device, boot, seq FROM events").all() as TerminalEvent[];
        const full = derive(all, () => settings);
        const range = [0, 2 ** 52] as const;
        /* Surveys opened in the same millisecond may be listed in another order; compare them in one order. */
        const byOpening = <S extends { openedAt: number; openingEventId: number }>(list: S[]) => [...list].sort((a, b) => a.openedAt - b.openedAt || a.openingEventId - b.openingEventId);
        expect(byOpening(store.derived.surveys(T, ...range).map(({ terminalId, ...s }) => s))).toEqual(byOpening(full.surveys));
        expect(store.derived.periods(T, ...range).map(({ terminalId, ...p }) => p)).toEqual(full.periods);
        expect(store.derived.unsolicitedCount(T, ...range)).toBe(full.unsolicitedEventIds.length);
        store.close();
      }),
      { numRuns: 150 },
    );
  });
});
