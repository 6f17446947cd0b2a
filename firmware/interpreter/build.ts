/**
 * Builds the real Espruino interpreter (tag RELEASE_2V29) for Linux, once per board, with that board's fixed
 * variable pool (boards.ts), and caches the binaries: `npm run firmware:interpreter [-- --board pico ...]`.
 *
 * Where the source comes from, first found wins:
 * 1. `ESPRUINO_SRC`: an Espruino source tree, or a `.tar.xz`/`.tar.gz` of one;
 * 2. `../shared/espruino/espruino-2v29-src.tar.xz` beside this checkout (the team's machines have no GitHub);
 * 3. `git clone --depth 1 --branch RELEASE_2V29 https://github.com/espruino/Espruino`.
 * The cache is `ESPRUINO_CACHE` or `.cache/espruino/` in the checkout; a binary is rebuilt only when its board
 * file changes. Needs gcc with 32-bit support (Debian: gcc-multilib), make and python3; a kernel that cannot run
 * 32-bit programs runs them under qemu-user (Debian: qemu-user), which `interpreterCommand` finds.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { boardFile, INTERPRETER_BOARDS, type InterpreterBoard } from "./boards.ts";

export const ESPRUINO_TAG = "RELEASE_2V29";
const ROOT = resolve(fileURLToPath(import.meta.url), "../../..");
const SHARED_TARBALL = resolve(ROOT, "../shared/espruino/espruino-2v29-src.tar.xz");
const CLONE_URL = "https://github.com/espruino/Espruino";

export function cacheDir(): string {
  return process.env.ESPRUINO_CACHE ? resolve(process.env.ESPRUINO_CACHE) : join(ROOT, ".cache", "espruino");
}

export class InterpreterBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InterpreterBuildError";
  }
}

function run(cmd: string, args: string[], cwd: string, what: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new InterpreterBuildError(`${what}: ${cmd} could not run (${r.error.message})`);
  if (r.status !== 0) {
    const tail = (r.stdout + r.stderr).split("\n").filter((l) => /error|Error|No such|not found/.test(l)).slice(-8).join("\n");
    throw new InterpreterBuildError(`${what} failed (${cmd} ${args.join(" ")}, exit ${r.status}):\n${tail}`);
  }
  return r.stdout;
}

/** Puts a pristine source tree at `dir` (see the header for where it comes from). */
function fetchSource(dir: string): string {
  const from = process.env.ESPRUINO_SRC ? resolve(process.env.ESPRUINO_SRC) : existsSync(SHARED_TARBALL) ? SHARED_TARBALL : "";
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (!from) {
    run("git", ["clone", "-q", "--depth", "1", "--branch", ESPRUINO_TAG, CLONE_URL, dir], ROOT, `cloning ${CLONE_URL} at ${ESPRUINO_TAG} (set ESPRUINO_SRC to a source tree or tarball to build offline)`);
    return CLONE_URL + "@" + ESPRUINO_TAG;
  }
  if (!existsSync(from)) throw new InterpreterBuildError(`ESPRUINO_SRC=${from}: no such file or folder`);
  if (statSync(from).isDirectory()) {
    cpSync(from, dir, { recursive: true, filter: (p) => !/[\\/](obj|bin|\.git)$/.test(p) });
  } else {
    run("tar", ["xf", from, "-C", dir, "--strip-components=1"], ROOT, `unpacking ${from}`);
  }
  if (!existsSync(join(dir, "boards", "LINUX.py"))) throw new InterpreterBuildError(`${from}: not an Espruino source tree (no boards/LINUX.py)`);
  return from;
}

/*
 * The one change to the source, in the Linux port's hardware layer only (targets/linux/jshardware.c), never in
 * the interpreter: on a board, console bytes arrive in an interrupt, which the interpreter's own reads of the
 * event queue cannot overlap; the Linux port reads the console in a second thread instead, and there its way of
 * adding each byte to the queue's last event (src/jsdevices.c jshPushIOCharEvents, which grows an event the
 * interpreter may be reading at that instant) corrupts input now and then: measured, 10 of 200 REPL lines of
 * 560 bytes came out garbled or ran the pool out of memory while pins were watched. The patched thread reads
 * what is there and queues it as whole events (jshPushEvent, which publishes an event only once it is written),
 * so bytes reach the REPL as a board's interrupt delivers them. Ctrl-C and Ctrl-D handling stays as it was.
 */
const LINUX_INPUT = {
  file: "targets/linux/jshardware.c",
  from: `    while (kbhit() && (jshGetEventsUsed()<IOBUFFERMASK/2)) {
      int ch = getch();
      if (ch<0) break;
      if (ch==4) exit(0); // exit on Ctrl-D
      jshPushIOCharEvent(EV_USBSERIAL, (char)ch);
    }`,
  to: `    while (kbhit() && (jshGetEventsUsed()<IOBUFFERMASK/2)) {
      char lbIn[IOEVENT_MAX_LEN];
      int lbN = (int)read(STDIN_FILENO, lbIn, sizeof(lbIn));
      if (lbN<=0) break;
      for (int lbI=0;lbI<lbN;lbI++) {
        if (lbIn[lbI]==4) exit(0); // exit on Ctrl-D
        if (lbIn[lbI]==3) jsiCtrlC(); // Ctrl-C, as jshPushIOCharEvents does for the console
      }
      jshPushEvent(EV_USBSERIAL, (uint8_t*)lbIn, (unsigned int)lbN);
    }`,
};

function patchLinuxInput(src: string): void {
  const path = join(src, LINUX_INPUT.file);
  const text = readFileSync(path, "utf8");
  if (!text.includes(LINUX_INPUT.from)) throw new InterpreterBuildError(`${path}: the console input loop is not the one of ${ESPRUINO_TAG}; this source cannot be patched (see firmware/interpreter/build.ts)`);
  writeFileSync(path, text.replace(LINUX_INPUT.from, LINUX_INPUT.to));
}

/**
 * The interpreter binary for a board profile, built if the cache lacks it. Each board builds in its own copy of
 * the source (the pool size is compiled in, so two boards cannot share object files).
 */
export function buildInterpreter(profile: string, log: (line: string) => void = () => {}): string {
  const b = INTERPRETER_BOARDS[profile];
  if (!b) throw new InterpreterBuildError(`--board ${profile}: expected one of ${Object.keys(INTERPRETER_BOARDS).join(", ")}`);
  const out = join(cacheDir(), b.name);
  const bin = join(out, "espruino");
  const spec = boardFile(b) + "# console input: " + LINUX_INPUT.to.replace(/\s+/g, " ") + "\n";
  const cached = () => existsSync(bin) && existsSync(join(out, "board.py")) && readFileSync(join(out, "board.py"), "utf8") === spec;
  if (cached()) return bin;
  /* Two runs sharing a cache (ESPRUINO_CACHE, two checkouts) must not build in the same source folder at once. */
  const unlock = lock(join(cacheDir(), b.name + ".lock"), b.name);
  try {
    if (cached()) return bin;
    return build(b, bin, out, spec, log);
  } finally {
    unlock();
  }
}

const LOCK_STALE_MS = 15 * 60_000;

/* An exclusive lock as a directory (mkdir is atomic); one older than LOCK_STALE_MS is a dead build's, and taken. */
function lock(path: string, what: string): () => void {
  mkdirSync(dirname(path), { recursive: true });
  const wait = new Int32Array(new SharedArrayBuffer(4));
  for (const t0 = Date.now(); ; ) {
    try {
      mkdirSync(path);
      return () => rmSync(path, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      let age = 0;
      try {
        age = Date.now() - statSync(path).mtimeMs;
      } catch {
        continue;
      }
      if (age > LOCK_STALE_MS) rmSync(path, { recursive: true, force: true });
      else if (Date.now() - t0 > LOCK_STALE_MS) throw new InterpreterBuildError(`${path}: another build of ${what} holds the cache; remove the lock if no build runs`);
      else Atomics.wait(wait, 0, 0, 500);
    }
  }
}

function build(b: InterpreterBoard, bin: string, out: string, spec: string, log: (line: string) => void): string {
  const src = join(cacheDir(), "src-" + b.name);
  const t0 = Date.now();
  const from = fetchSource(src);
  log(`espruino: building ${ESPRUINO_TAG} for ${b.name} (${b.vars} variables) from ${from} ...`);
  /* Not boards/<name>.py: a board file named ESP32 or ESP8266 would switch on that chip's own code. */
  writeFileSync(join(src, "boards", "LB_" + b.name + ".py"), boardFile(b));
  patchLinuxInput(src);
  mkdirSync(join(src, "gen"), { recursive: true });
  mkdirSync(join(src, "bin"), { recursive: true });
  /* Espruino's Makefile names the build after `git log`; an empty commit is enough. */
  if (!existsSync(join(src, ".git"))) {
    run("git", ["init", "-q"], src, "git init");
    run("git", ["-c", "user.name=build", "-c", "user.email=build@localhost", "commit", "-q", "--allow-empty", "-m", ESPRUINO_TAG], src, "git commit");
  }
  run("make", [`-j${Math.max(1, navigatorCores())}`, `BOARD=LB_${b.name}`, "RELEASE=1"], src, `building the interpreter for ${b.name}`);
  mkdirSync(out, { recursive: true });
  renameSync(join(src, "bin", "espruino"), bin + ".new");
  renameSync(bin + ".new", bin);
  writeFileSync(join(out, "board.py"), spec);
  rmSync(src, { recursive: true, force: true });
  log(`espruino: ${bin} (${Math.round((Date.now() - t0) / 1000)} s)`);
  return bin;
}

function navigatorCores(): number {
  const r = spawnSync("nproc", [], { encoding: "utf8" });
  return Number(r.stdout) || 2;
}

/**
 * How to start a binary built here: directly, or under `qemu-i386` where the kernel cannot run 32-bit programs
 * (some virtual machines have ia32 emulation off). Decided once per process.
 */
let launcher: string[] | undefined;
export function interpreterCommand(bin: string): string[] {
  if (!launcher) {
    const direct = spawnSync(bin, ["-e", "quit()"], { encoding: "utf8", input: "" });
    if (!direct.error && direct.status === 0) launcher = [];
    else {
      const q = spawnSync("qemu-i386", [bin, "-e", "quit()"], { encoding: "utf8", input: "" });
      if (q.error || q.status !== 0) {
        throw new InterpreterBuildError(
          `${bin} does not run (${direct.error ? direct.error.message : "exit " + direct.status}), and neither does qemu-i386 (${q.error ? q.error.message : "exit " + q.status}): install qemu-user (Debian) or enable 32-bit programs`,
        );
      }
      launcher = ["qemu-i386"];
    }
  }
  return launcher.concat(bin);
}

export function boardOf(profile: string): InterpreterBoard {
  const b = INTERPRETER_BOARDS[profile];
  if (!b) throw new InterpreterBuildError(`unknown board ${profile}`);
  return b;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const boards: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--board" && args[i + 1]) boards.push(args[++i] as string);
    else {
      process.stderr.write(`espruino: unknown option ${args[i]} (usage: npm run firmware:interpreter [-- --board pico|wifi|esp32|esp8266 ...])\n`);
      process.exit(2);
    }
  }
  try {
    for (const p of boards.length ? boards : Object.keys(INTERPRETER_BOARDS)) {
      const bin = buildInterpreter(p, (l) => process.stdout.write(l + "\n"));
      process.stdout.write(`${p}: ${interpreterCommand(bin).join(" ")}\n`);
    }
  } catch (e) {
    process.stderr.write((e as Error).message + "\n");
    process.exit(1);
  }
}
