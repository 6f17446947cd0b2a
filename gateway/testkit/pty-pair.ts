/**
 * A pair of connected pseudo-terminals, a serial cable without hardware: the gateway opens one end as it would a
 * USB serial port, a simulated board or scripted terminal the other (the demo's serial terminal, the serial tests
 * and benchmarks). Made by socat when it is installed (as the tests do), else by
 * a 30-line relay in python3's standard `pty` module (on most machines, before any package is installed); with
 * neither, `openPtyPair` says why and the demo runs its MQTT terminal only (docs/demo.md).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface PtyPair {
  /** The end the gateway opens (a symlink to /dev/pts/N). */
  gateway: string;
  /** The end the simulated board opens. */
  device: string;
  /** The /dev/pts/N behind `gateway`, to show. */
  shown: string;
  /** What made it: socat or python3. */
  via: "socat" | "python3";
  /** The process relaying between the two ends (its CPU counts in benchmarks). */
  pid: number | undefined;
  /** Stops the relay; removes the folder of the two links unless the caller gave it. */
  close(): Promise<void>;
}

/*
 * Two pseudo-terminals in raw mode (no echo, no line editing), linked at the given paths, and a relay copying
 * bytes between their masters. The relay keeps each slave open itself, so a master never reads EIO while the
 * other side is not open yet; a write that would block (nobody reading) is dropped, as on a cable.
 */
const RELAY = String.raw`
import os, pty, tty, select, signal, sys
links = sys.argv[1:3]
masters = []
for link in links:
    m, s = pty.openpty()
    tty.setraw(s)
    os.set_blocking(m, False)
    if os.path.lexists(link):
        os.unlink(link)
    os.symlink(os.ttyname(s), link)
    masters.append(m)
def bye(*_):
    for link in links:
        if os.path.lexists(link):
            os.unlink(link)
    sys.exit(0)
signal.signal(signal.SIGTERM, bye)
signal.signal(signal.SIGINT, bye)
other = {masters[0]: masters[1], masters[1]: masters[0]}
while True:
    for fd in select.select(masters, [], [])[0]:
        try:
            data = os.read(fd, 4096)
            if data:
                os.write(other[fd], data)
        except (BlockingIOError, OSError):
            pass
`;

function has(cmd: string): boolean {
  return spawnSync(cmd, ["-V"], { stdio: "ignore" }).error === undefined;
}

/** Waits until both links exist or the process ends; polls, as the link appears without any other signal. */
async function linked(p: ChildProcess, paths: string[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && p.exitCode === null) {
    if (paths.every((x) => existsSync(x))) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

/**
 * Opens a pair with `prefer` (socat first by default), its links named `gateway` and `device` in `dir` (a new
 * temporary folder by default); resolves to the reason when none can be made.
 */
export async function openPtyPair(prefer: ("socat" | "python3")[] = ["socat", "python3"], dir?: string): Promise<PtyPair | { reason: string }> {
  const folder = dir ?? mkdtempSync(join(tmpdir(), "lb-pty-"));
  const cleanup = () => {
    if (dir === undefined) rmSync(folder, { recursive: true, force: true });
  };
  const gateway = join(folder, "gateway");
  const device = join(folder, "device");
  const failed: string[] = [];
  for (const via of prefer) {
    if (!has(via)) continue;
    const p =
      via === "socat"
        ? spawn("socat", [`pty,raw,echo=0,link=${gateway}`, `pty,raw,echo=0,link=${device}`], { stdio: "ignore" })
        : spawn("python3", ["-c", RELAY, gateway, device], { stdio: "ignore" });
    p.on("error", () => undefined);
    if (!(await linked(p, [gateway, device], 5000))) {
      p.kill("SIGTERM");
      failed.push(via);
      continue;
    }
    return {
      gateway,
      device,
      shown: realpathSync(gateway),
      via,
      pid: p.pid,
      close: () =>
        new Promise<void>((resolve) => {
          if (p.exitCode !== null || p.signalCode !== null) return resolve(cleanup());
          p.once("exit", () => resolve(cleanup()));
          p.kill("SIGTERM");
        }),
    };
  }
  cleanup();
  if (failed.length) return { reason: `${failed.join(" and ")} did not make a pseudo-terminal pair within 5 s` };
  return { reason: "the serial demo terminal needs a pseudo-terminal pair, made by socat (apt install socat) or python3; neither is installed" };
}
