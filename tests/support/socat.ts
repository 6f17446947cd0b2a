/** Real pseudo-terminal pairs made by socat (Debian's socat), for serial tests without hardware. */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "./wait.ts";

export interface PtyPair {
  /** The end the gateway opens. */
  gateway: string;
  /** The end the device (scripted terminal or simulated board) opens. */
  device: string;
  process: ChildProcess;
  close(): Promise<void>;
}

/** A pair in `dir`, or in a new temporary folder that `close` removes. */
export async function ptyPair(given?: string): Promise<PtyPair> {
  const dir = given ?? mkdtempSync(join(tmpdir(), "lb-pty-"));
  const cleanup = () => {
    if (given === undefined) rmSync(dir, { recursive: true, force: true });
  };
  const gateway = join(dir, "gateway");
  const device = join(dir, "device");
  const p = spawn("socat", [`pty,raw,echo=0,link=${gateway}`, `pty,raw,echo=0,link=${device}`], { stdio: "ignore" });
  await waitFor("socat's pseudo-terminals", () => existsSync(gateway) && existsSync(device), 5000);
  return {
    gateway,
    device,
    process: p,
    close: () =>
      new Promise<void>((resolve) => {
        if (p.exitCode !== null) return resolve(cleanup());
        p.once("exit", () => resolve(cleanup()));
        p.kill("SIGTERM");
      }),
  };
}
