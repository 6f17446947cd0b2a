/**
 * Finds serial ports by USB vendor id (serialport's list(), which reads udev through `udevadm`). Without udevadm
 * it says so once and finds nothing: list() would otherwise fail to spawn it.
 */
import { existsSync } from "node:fs";
import { SerialPort } from "serialport";
import type { Logger } from "../log.ts";

export interface ListedPort {
  path: string;
  vendorId?: string | undefined;
  productId?: string | undefined;
  manufacturer?: string | undefined;
  serialNumber?: string | undefined;
}

/** serialport's list() needs udev's `udevadm`; without it, list() would fail to spawn it. */
export function canListPorts(): boolean {
  return ["/usr/bin/udevadm", "/bin/udevadm", "/sbin/udevadm", "/usr/sbin/udevadm"].some(existsSync);
}

/** The serial ports udev knows, or why they cannot be listed (shared by the detector and `loyalty ports`). */
export async function listSerialPorts(): Promise<{ ports: ListedPort[]; problem?: string }> {
  if (!canListPorts()) return { ports: [], problem: "serial ports cannot be listed without udev (udevadm)" };
  try {
    return { ports: await SerialPort.list() };
  } catch (err) {
    return { ports: [], problem: `listing serial ports failed: ${(err as Error).message}` };
  }
}

export class PortDetector {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly opts: { vendorIds: string[]; intervalMs: number },
    private readonly log: Logger,
    private readonly found: (path: string) => void,
  ) {}

  start(): void {
    if (!canListPorts()) {
      this.log.warn("serial auto-detection needs udev (udevadm); list the ports in the config instead");
      return;
    }
    const scan = () =>
      SerialPort.list()
        .then((ports) => {
          const wanted = new Set(this.opts.vendorIds.map((v) => v.toLowerCase()));
          for (const p of ports) if (p.vendorId && wanted.has(p.vendorId.toLowerCase())) this.found(p.path);
        })
        .catch((err: Error) => this.log.warn({ err: err.message }, "listing serial ports failed"));
    void scan();
    this.timer = setInterval(scan, this.opts.intervalMs).unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
