/** `loyalty ports`: serial ports, their USB ids, and what answers on each. */
import type { Command } from "commander";
import { listSerialPorts, type ListedPort } from "../ingest/port-detector.ts";
import { PROBE_TIMEOUT_MS } from "../installer/constants.ts";
import { describeAnswer, describePorts } from "../installer/ports.ts";
import { openTextPort } from "../installer/serial-open.ts";
import type { OpenSerialPort } from "../ingest/serial-port.ts";
import type { CliIo } from "./io.ts";
import { withDbFlags, withStore, type DbFlags } from "./open.ts";
import { table } from "../reports/table.ts";

interface PortsFlags extends DbFlags {
  port: string[];
  timeout: string;
  json?: boolean;
}

/** `openPort`: the CLI's serial ports (cli/main.ts). */
export function registerPorts(program: Command, io: CliIo, openPort: OpenSerialPort): void {
  withDbFlags(
    program
      .command("ports")
      .description("serial ports with their USB ids and what answers on each (an Espruino, a paired or pending terminal, nothing)")
      .option("-p, --port <path>", "also probe this path (repeatable), e.g. a port udev does not list", (v: string, acc: string[]) => [...acc, v], [] as string[])
      .option("--timeout <ms>", "how long to wait for a REPL on each port", String(PROBE_TIMEOUT_MS))
      .option("--json", "print JSON"),
  ).action((f: PortsFlags) =>
    withStore(f, async (store, config) => {
      const listing = await listSerialPorts();
      const byPath = new Map<string, ListedPort>();
      for (const p of listing.ports) byPath.set(p.path, p);
      for (const p of [...config.serial.ports.map((c) => c.path), ...f.port]) if (!byPath.has(p)) byPath.set(p, { path: p });
      const timeoutMs = Number(f.timeout);
      const reports = await describePorts([...byPath.values()], { open: (p) => openTextPort(p, openPort), timeoutMs: Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : PROBE_TIMEOUT_MS });
      const known = (serial: string) => {
        const d = store.devices.get(serial);
        if (!d) return undefined;
        return { terminal: store.terminals.currentPairing(serial)?.terminalId, pending: !store.terminals.currentPairing(serial) };
      };
      const lastSeen = (path: string) => {
        const d = store.devices.all().filter((x) => x.link === "serial:" + path).sort((a, b) => b.lastSeenMs - a.lastSeenMs)[0];
        return d ? d.serial : undefined;
      };
      const rows = reports.map((r) => ({ ...r, says: describeAnswer(r.answer, known, lastSeen(r.path)) }));
      if (f.json) {
        io.out(JSON.stringify({ problem: listing.problem ?? null, ports: rows }, null, 2) + "\n");
        return;
      }
      if (listing.problem) io.out(`Note: ${listing.problem}; showing configured ports and --port paths only.\n\n`);
      io.out(rows.length ? table(["port", "usb id", "maker", "what answers"], rows.map((r) => [r.path, r.usb, r.manufacturer || "-", r.says])) : "No serial ports found. Plug the board in, or name its path with --port.\n");
    }),
  );
}
