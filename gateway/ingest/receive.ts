/**
 * The first stage of the ingest (docs/gateway.md#ingest, "Decode"): every line is decoded (length, CRC, version,
 * fields, zod); a bad one is counted and never stops anything, and is answered with a `nack`, at most one per
 * link per `nackIntervalMs`, when the device on that link is known. A valid message goes on to the batch.
 */
import { gatewayEnd } from "../../protocol/endpoints.ts";
import type { NackCode } from "../../protocol/schemas.ts";
import type { Logger } from "../log.ts";
import { setBounded } from "./bounded.ts";
import type { IngestStats, Item } from "./item.ts";
import type { Link } from "./link.ts";
import type { Reachability } from "./reachability.ts";
import { RejectCounter } from "./reject-counter.ts";

export interface ReceiveOptions {
  log: Logger;
  now: () => number;
  /** At most one nack for bad frames per link per this many ms. */
  nackIntervalMs: number;
}

export class Receiver {
  readonly rejects: RejectCounter;
  private readonly end = gatewayEnd();
  /** The device last heard on each link: whom to nack for a line that names none. */
  private readonly deviceOnLink = new Map<string, string>();
  private readonly lastNack = new Map<string, number>();

  constructor(
    private readonly o: ReceiveOptions,
    private readonly reach: Reachability,
    private readonly stats: IngestStats,
    /** The next stage: the batch. */
    private readonly next: (item: Item) => void,
  ) {
    this.rejects = new RejectCounter(o.log, o.now);
  }

  /** One line from a link: decode, check, and pass on. */
  receive(line: string, link: Link): void {
    const now = this.o.now();
    const r = this.end.decode(line);
    if (!r.ok) {
      const device = this.deviceOnLink.get(link.id) ?? link.device;
      /*
       * An event that passed the CRC but breaks the schema will never be accepted: the nack with its b and n tells
       * the device to drop it (docs/protocol.md#nack), so that one bad event cannot block its outbox.
       */
      if (r.refusal && r.refusal.d === device) this.reach.send(link, r.refusal);
      return this.reject(link, r.code, r.reason, device);
    }
    const msg = r.msg;
    if (link.device !== undefined && msg.d !== link.device) {
      /*
       * Answered to the sender, as it names itself (its `d`), on the topic it wrote to: only the topic's owner may
       * write there (docs/protocol.md "Who may connect"), and a device ignores a nack for another `d`, so a nack
       * naming the topic's device would never reach the device that is wrong.
       */
      return this.reject(link, "wrong_device", `frame from ${msg.d} on the topic of ${link.device}`, msg.d);
    }
    this.stats.received++;
    this.deviceOnLink.set(link.id, msg.d);
    this.reach.heard(msg.d, link, msg.t === "hello" ? msg.cap.includes("repl") : undefined);
    this.o.log.debug({ link: link.id, t: msg.t, d: msg.d }, "frame");
    this.next({ msg, link, receivedMs: now });
  }

  /** A link went away: the next device on it may be another. */
  linkClosed(link: Link): void {
    this.deviceOnLink.delete(link.id);
  }

  private reject(link: Link, code: NackCode, reason: string, device: string | undefined): void {
    const warned = this.rejects.count(link.id, code, reason);
    if (warned && code === "bad_version") this.o.log.warn({ link: link.id, device, reason }, "device speaks an unsupported protocol version");
    if (device === undefined) return;
    const now = this.o.now();
    if (now - (this.lastNack.get(link.id) ?? -Infinity) < this.o.nackIntervalMs) return;
    setBounded(this.lastNack, link.id, now);
    this.reach.send(link, { t: "nack", d: device, code });
  }
}
