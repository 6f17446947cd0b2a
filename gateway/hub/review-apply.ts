/**
 * The store's side of review sync (docs/hub.md#review-sync): reviews made at the hub arrive with the hub's acks and
 * are applied here in one transaction with the number of the last one applied, so each is applied once and the
 * store's next batch tells the hub how far it got. A review the store cannot read is logged and passed over (its
 * number is still taken), so it never stops forwarding.
 */
import type { Logger } from "../log.ts";
import { applyRemoteReview } from "../review/actions.ts";
import type { Store } from "../store/store.ts";
import { hubReview, parseValue } from "./wire.ts";

/** Applies what came with one ack; returns the terminals whose figures changed. */
export function applyHubReviews(store: Store, reviews: readonly unknown[], log: Logger, changed?: (terminalIds: string[]) => void): string[] {
  const terminals = new Set<string>();
  try {
    store.tx(() => {
      let n = store.hubOutbox.reviewSeq();
      for (const raw of reviews) {
        const p = parseValue(hubReview, raw);
        const num = typeof (raw as { n?: unknown })?.n === "number" ? (raw as { n: number }).n : undefined;
        if (!p.ok) {
          log.error({ reason: p.reason, n: num }, "a review from the hub that is not one; passed over");
          if (num !== undefined && Number.isSafeInteger(num) && num > n) n = num;
          continue;
        }
        const r = p.value;
        if (r.n <= n) continue;
        n = r.n;
        if (applyRemoteReview(store, r)) {
          terminals.add(r.terminalId);
          log.info({ uid: r.uid, by: r.by, target: r.target, id: r.targetId, action: r.action }, "a review made at the hub applied");
        }
      }
      store.hubOutbox.reviewsApplied(n);
    });
  } catch (err) {
    /* Nothing applied; the hub sends them again with its next ack. */
    log.warn({ err: (err as Error).message }, "cannot apply the hub's reviews now; they come again");
    return [];
  }
  const list = [...terminals];
  if (list.length) changed?.(list);
  return list;
}
