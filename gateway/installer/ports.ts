/**
 * `loyalty ports`: every serial port the computer sees (udev's list, the gateway's configured ports, and paths
 * given with --port), with its USB ids and what answers there: an Espruino REPL, our firmware (and whether the
 * gateway knows the device as paired or pending), nothing, or a port another program holds.
 */
import { GatewayError } from "../errors.ts";
import type { ListedPort } from "../ingest/port-detector.ts";
import { ReplClient } from "./repl-client.ts";
import { tryProbe } from "./probe.ts";
import type { ProbeAnswer } from "./repl-text.ts";
import type { TextPort } from "./serial-open.ts";

export type Answer =
  | { kind: "busy" }
  | { kind: "cannot_open"; reason: string }
  | { kind: "nothing" }
  | { kind: "other"; said: unknown }
  | { kind: "espruino"; board: ProbeAnswer };

export interface PortReport {
  path: string;
  usb: string;
  manufacturer: string;
  answer: Answer;
}

/** What the gateway's database says of a device (looked up by the caller). */
export interface Known {
  terminal?: string | undefined;
  /** heard by the gateway (hello) but not paired */
  pending: boolean;
}

export interface PortsDeps {
  open(path: string): Promise<TextPort>;
  timeoutMs: number;
}

async function probePort(path: string, deps: PortsDeps): Promise<Answer> {
  let port: TextPort;
  try {
    port = await deps.open(path);
  } catch (e) {
    if (e instanceof GatewayError && e.code === "port_busy") return { kind: "busy" };
    return { kind: "cannot_open", reason: (e as Error).message };
  }
  const repl = new ReplClient(port, deps.timeoutMs);
  try {
    const r = await tryProbe(repl);
    if (r.board) return { kind: "espruino", board: r.board };
    return r.answered === undefined ? { kind: "nothing" } : { kind: "other", said: r.answered };
  } finally {
    repl.close();
    await port.close();
  }
}

/** Probes the ports one after the other (a port is opened only while it is probed). */
export async function describePorts(listed: ListedPort[], deps: PortsDeps): Promise<PortReport[]> {
  const out: PortReport[] = [];
  for (const p of listed) {
    const usb = p.vendorId ? `${p.vendorId}:${p.productId ?? "?"}` : "-";
    out.push({ path: p.path, usb, manufacturer: p.manufacturer ?? "", answer: await probePort(p.path, deps) });
  }
  return out;
}

/** One line saying what answers on a port, for the installer. `lastSeen`: the device the gateway last heard there. */
export function describeAnswer(a: Answer, known: (serial: string) => Known | undefined, lastSeen: string | undefined): string {
  switch (a.kind) {
    case "busy":
      return `busy: another program holds it (the running gateway?)${lastSeen ? `; the gateway last heard ${lastSeen} here` : ""}`;
    case "cannot_open":
      return `cannot open: ${a.reason}`;
    case "nothing":
      return "nothing answered (not an Espruino REPL, or its console is elsewhere)";
    case "other":
      return `answered, but not as an Espruino: ${JSON.stringify(a.said)}`;
    case "espruino": {
      const b = a.board;
      const head = `Espruino ${b.version} (${b.board}), serial ${b.serial}`;
      if (!b.firmware) return `${head}: no loyalty firmware (loyalty flash --port ... installs it)`;
      const k = known(b.serial);
      if (k?.terminal) return `${head}: loyalty firmware, paired to terminal ${k.terminal}`;
      if (k?.pending) return `${head}: loyalty firmware, pending (loyalty pair ${b.serial} --store ... pairs it)`;
      return `${head}: loyalty firmware, not yet heard by the gateway (connect it to the gateway)`;
    }
  }
}
