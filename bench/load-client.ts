/** Starts bench/load.ts in a child process (same tsx loader) and calls it: one command, one reply. */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Command, Reply } from "./messages.ts";

export class LoadProcess {
  readonly child: ChildProcess;
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor() {
    this.child = fork(fileURLToPath(new URL("./load.ts", import.meta.url)), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    this.child.on("message", (r: Reply) => {
      const w = this.waiting.get(r.id);
      this.waiting.delete(r.id);
      if (r.ok) w?.resolve(r.value);
      else w?.reject(new Error("load process: " + r.error));
    });
    this.child.on("exit", (code, signal) => {
      for (const w of this.waiting.values()) w.reject(new Error(`load process exited (${code ?? signal})`));
      this.waiting.clear();
    });
  }

  call<T>(cmd: Command): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, cmd });
    });
  }

  stop(): Promise<void> {
    const c = this.child;
    if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const kill = setTimeout(() => c.kill("SIGKILL"), 5000);
      c.once("exit", () => {
        clearTimeout(kill);
        resolve();
      });
      c.disconnect();
    });
  }
}
