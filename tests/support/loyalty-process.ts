/** `loyalty` as its own process, for the tests that kill and start it again (the chain hub's tests). */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../bin/loyalty.js", import.meta.url));

/** Spawns `loyalty <args>` and resolves once its output says `ready`; `seen` gets the output up to then. */
export function spawnReady(args: string[], ready: string, seen?: (out: string) => void): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes(ready)) {
        seen?.(out);
        resolve(child);
      }
    });
    child.once("exit", (code) => reject(new Error(`loyalty ${args[0]} exited with ${code} before it was ready: ${out}`)));
  });
}

/** Ends the process with `signal` (SIGKILL: no chance to clean up) and resolves when it has exited. */
export function killAndWait(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill(signal);
  });
}
