/**
 * Where each device was last heard, and how to reach it there (docs/gateway.md#ingest): replies go back on that
 * link; on serial, a device whose `hello` lists the `repl` capability gets the REPL form `\x10LB("<frame>")`,
 * others raw frames (docs/protocol.md#serial). A device not heard since start, or whose MQTT state turned offline,
 * is not reachable: commands for it wait in the store.
 */
import { gatewayEnd } from "../../protocol/endpoints.ts";
import { replCall } from "../../protocol/repl.ts";
import type { DownMsg } from "../../protocol/schemas.ts";
import type { Logger } from "../log.ts";
import type { Store } from "../store/store.ts";
import type { IngestProbe } from "./item.ts";
import type { Link } from "./link.ts";

export class Reachability {
  /** Set by Ingest.watch (benchmarks). */
  probe: IngestProbe | undefined;
  private readonly end = gatewayEnd();
  private readonly reachable = new Map<string, { link: Link; repl: boolean }>();

  constructor(
    /** Read for the capabilities a device announced in an earlier run. */
    private readonly devices: Pick<Store["devices"], "get">,
    private readonly log: Logger,
  ) {}

  /** `serial` was heard on `link`; `repl` as its hello says, or undefined when the frame does not say. */
  heard(serial: string, link: Link, repl: boolean | undefined): void {
    const known = this.reachable.get(serial);
    if (known && known.link === link && repl === undefined) return;
    const caps = repl === undefined && !known ? this.devices.get(serial)?.caps : undefined;
    this.reachable.set(serial, { link, repl: repl ?? known?.repl ?? caps?.includes("repl") ?? false });
  }

  /** Encodes `msg` and writes it to `link`, in the REPL form when its device reads that. */
  send(link: Link, msg: DownMsg): void {
    const e = this.end.encode(msg);
    if (!e.ok) {
      this.log.error({ link: link.id, code: e.code, reason: e.reason }, "could not encode a reply");
      return;
    }
    const repl = link.kind === "serial" && this.reachable.get(msg.d)?.repl === true;
    link.write(repl ? replCall(e.line) : e.line);
    this.probe?.sent?.(link, msg);
  }

  /** Sends a message to a device where it was last heard; false when it is not reachable. */
  sendTo(serial: string, msg: DownMsg): boolean {
    const r = this.reachable.get(serial);
    if (!r) return false;
    this.send(r.link, msg);
    return true;
  }

  /** Devices heard since start and still reachable. */
  reachableDevices(): string[] {
    return [...this.reachable.keys()];
  }

  /** What is sent to `serial` now is lost (its MQTT state turned offline). */
  forget(serial: string): void {
    this.reachable.delete(serial);
  }

  /** A link went away: forget the devices last heard on it. */
  linkClosed(link: Link): void {
    for (const [d, r] of this.reachable) if (r.link.id === link.id) this.reachable.delete(d);
  }
}
