/** `loyalty status`: terminals online/offline, device health, clock offsets and rejected frames. */
import type { Command } from "commander";
import type { PruneKind } from "../store/prune.ts";
import { terminalDefaults } from "../terminals/config.ts";
import { statusReport, type StatusReport } from "../terminals/status.ts";
import type { CliIo } from "./io.ts";
import { withDbFlags, withStore, type DbFlags } from "./open.ts";
import { table } from "../reports/table.ts";
import { ago } from "./ago.ts";

/** Why a column shows '-', said once under the table for the columns that show one (a fresh start shows many). */
export function dashNotes(r: StatusReport, heartbeatMs: number): string[] {
  const notes: string[] = [];
  const any = (f: (d: StatusReport["devices"][number]) => boolean) => r.devices.some(f);
  if (any((d) => d.terminal === null)) notes.push("under terminal: the device is pending, not paired yet (loyalty pair lists them)");
  if (any((d) => d.outbox === null)) notes.push(`under outbox and dropped: no status from the device yet; a paired device sends one every heartbeat (${heartbeatMs / 1000} s by default), a pending one none`);
  if (any((d) => d.clockOffsetMs === null)) notes.push("under clock offset: the device has not reported its clock yet (its status carries it once the gateway has set its time)");
  if (any((d) => d.driftPpm === null)) notes.push("under drift: it needs two clock reports at least a minute apart since the gateway last set the device's clock");
  return notes;
}

const DROPPED: Record<PruneKind, string> = {
  pending_capped: "pending devices over the limit",
  pending_expired: "pending devices gone quiet",
  boots_capped: "boots over the limit per device",
  boots_expired: "old boots without events",
  clock_log_trimmed: "clock-log rows over the limit",
};

export function registerStatus(program: Command, io: CliIo): void {
  withDbFlags(program.command("status").description("devices (online/offline, outbox, dropped, clock), rejected frames by reason, untimed events, pending devices and what the flood limits dropped"))
    .option("--json", "print JSON instead of tables")
    .action((f: DbFlags & { json?: boolean }) =>
      withStore(f, (store, config) => {
        const r = statusReport(store, terminalDefaults(config), Date.now());
        if (f.json) {
          io.out(JSON.stringify(r, null, 2) + "\n");
          return;
        }
        const n = (v: number | null) => (v === null ? "-" : String(v));
        const u = r.untimed;
        const untimed =
          u.events === 0
            ? ""
            : `Untimed events: ${u.events}${u.unpaired > 0 ? ` (${u.unpaired} of no terminal: the device was unpaired)` : ""}, in no survey; loyalty review untimed --from <day> lists them\n`;
        io.out(`Events stored: ${r.events}\n${untimed}\nDevices\n`);
        io.out(
          r.devices.length === 0
            ? "  none yet: connect a terminal, or run `npm start` for a simulated one\n"
            : table(
                ["serial", "terminal", "role", "state", "last seen", "outbox", "dropped", "clock offset", "drift", "link"],
                r.devices.map((d) => [d.serial, d.terminal ?? "-", d.role ?? "?", d.state, ago(r.now, d.lastSeenMs), n(d.outbox), n(d.dropped), d.clockOffsetMs === null ? "-" : `${d.clockOffsetMs} ms`, d.driftPpm === null ? "-" : `${d.driftPpm} ppm`, d.link ?? "-"]),
              ),
        );
        const notes = dashNotes(r, terminalDefaults(config).heartbeatMs);
        if (notes.length) io.out("\n" + notes.map((x) => `'-' ${x}\n`).join(""));
        io.out("\nRejected frames\n");
        io.out(r.rejects.length === 0 ? "  none\n" : table(["link", "reason", "count", "last", "last reason"], r.rejects.map((x) => [x.link, x.code, x.count, ago(r.now, x.lastMs), x.lastReason ?? ""])));
        io.out(`\nPending devices never paired: ${r.pending} (limit ingest.limits.pendingDevices ${config.ingest.limits.pendingDevices})\n`);
        io.out("Dropped by the flood limits (never a paired device or a stored event)\n");
        io.out(r.dropped.length === 0 ? "  none\n" : table(["what", "count", "last"], r.dropped.map((x) => [DROPPED[x.kind], x.count, ago(r.now, x.lastMs)])));
      }),
    );
}
