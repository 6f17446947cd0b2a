/**
 * Power cuts for real: the built firmware in the real Espruino interpreter, cabled through a socat
 * pseudo-terminal to the real gateway, is killed with SIGKILL at random moments while buttons are pressed and
 * while its outbox is not empty (the cable is unplugged for stretches, so events pile up in flash), then started
 * again on the same flash file. At the end the gateway holds every press that was complete before its cut
 * exactly once, nothing pressed is counted twice, and every boot has a new boot id. Ten cuts by default
 * (POWERCUT_CYCLES); the seed (POWERCUT_SEED) is printed with every failure.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/app.ts";
import { pair } from "../../gateway/terminals/manage.ts";
import { connectSerialPath } from "../../firmware/sim/index.ts";
import { createInterpreterBoard, type Button } from "../../firmware/interpreter/board.ts";
import { gatewayEnd } from "../../protocol/endpoints.ts";
import { prng } from "../support/corrupt.ts";
import { testGateway } from "../support/gateway.ts";
import { ptyPair } from "../../gateway/testkit/socat.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";
import { realBundle, sleep } from "../../firmware/interpreter/peer.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const KEYS: Button[] = ["yes", "no", "unsure"];
const SERIAL = "REAL-CUT-1";

describe("power cuts on the real interpreter", () => {
  it("kill -9 at random moments, boot again on the same flash: every complete press stored exactly once, a new boot id each time", { timeout: 300_000 }, async () => {
    const seed = Number(process.env.POWERCUT_SEED ?? Date.now() % 100000);
    const cycles = Number(process.env.POWERCUT_CYCLES ?? 10);
    const rnd = prng(seed);
    const pty = await ptyPair();
    cleanups.push(() => pty.close());
    const gw: Gateway = await testGateway({ serial: { ports: [{ path: pty.gateway }] } });
    cleanups.push(() => gw.stop());
    await waitFor("port open", () => gw.serial[0]?.isOpen);
    const cable = connectSerialPath(pty.device);
    cleanups.push(() => cable.close());
    /* The cable can be unplugged: nothing passes either way, so events wait in the outbox. */
    let plugged = true;
    const board = createInterpreterBoard({ board: "pico", serial: SERIAL, onWrite: (d) => plugged && cable.write(d) });
    cleanups.push(() => board.close());
    cable.attach({ serialInput: (d) => plugged && board.serialInput(d) });
    await board.flash(await realBundle("pico", "combo", "serial"));
    await waitFor("hello", () => (gw.ingest.flush(), gw.store.devices.get(SERIAL)), 30_000);
    pair(gw.store, { serial: SERIAL, store: "cut", point: "till", question: "staff", timeZone: "UTC" }, Date.now());
    gw.workers.commands();
    await waitFor("config on the board", async () => (await board.evaluate("LB_.s.c!==undefined")) === true, 30_000);

    const complete: { key: string; at: string }[] = [];
    const log: string[] = [];
    const interrupted: { key: string; at: string }[] = [];
    const boots = new Set<string>();
    const end = gatewayEnd();
    /* The boot id of the hello the board printed since it last started. */
    const helloBoot = () => {
      for (const l of board.output().split("\n")) {
        const r = l.indexOf("~LB") >= 0 ? end.decode(l.slice(l.indexOf("~LB"))) : undefined;
        if (r && r.ok && r.msg.t === "hello") return r.msg.b;
      }
      return undefined;
    };
    let boot = (await waitFor("the first hello", helloBoot)) as string;
    boots.add(boot);
    for (let cycle = 0; cycle < cycles; cycle++) {
      /* Every other cycle with the cable out, so those cuts find events waiting in the outbox. */
      plugged = cycle % 2 === 0 && rnd() < 0.5;
      const presses = 2 + Math.floor(rnd() * 4);
      /* The cut comes after a random number of presses, either between presses or in the middle of one. */
      const cutAfter = Math.floor(rnd() * (presses + 1));
      const midPress = rnd() < 0.4;
      for (let k = 0; k < presses; k++) {
        const key = KEYS[Math.floor(rnd() * KEYS.length)]!;
        if (k === cutAfter && midPress) {
          board.down(key);
          await sleep(Math.floor(rnd() * 120));
          log.push(`cycle ${cycle} (boot ${boot}) cut while ${key} is held`);
          /* Held long enough, it may have been recorded: as the next event of this boot, and as that key. */
          interrupted.push({ key, at: boot + "/" + (k + 1) });
          break;
        }
        if (k === cutAfter) {
          await sleep(Math.floor(rnd() * 300));
          break;
        }
        board.down(key);
        await sleep(80 + Math.floor(rnd() * 60));
        board.up(key);
        /* A key is an event once its debounced edge ran (50 ms) and the line is in flash. */
        await sleep(150 + Math.floor(rnd() * 200));
        /* The board's own count says it took the press: (boot, seq) names the event the gateway must store. */
        const seq = (await board.evaluate("LB_.s.seq")) as number;
        log.push(`cycle ${cycle} (boot ${boot}) press ${key}: seq ${seq}`);
        expect(seq, `the board took press ${k + 1} of boot ${boot} (seed ${seed})\n${log.join("\n")}`).toBe(k + 1);
        complete.push({ key, at: boot + "/" + seq });
      }
      log.push(`cycle ${cycle} (boot ${boot}) cut, cable ${plugged ? "in" : "out"}`);
      await board.kill();
      board.up("yes");
      board.up("no");
      board.up("unsure");
      plugged = true;
      await board.boot();
      const id = await waitFor("the new boot's hello", helloBoot, 30_000);
      expect(boots.has(id), `boot id ${id} came back after a power cut`).toBe(false);
      boots.add(id);
      boot = id;
    }
    plugged = true;
    /* Everything that was pressed completely reaches the gateway once its outbox drains. */
    const stored = () =>
      (gw.ingest.flush(), gw.store.db.prepare("SELECT kind, boot, seq FROM events WHERE serial = ? ORDER BY ts").all(SERIAL) as { kind: string; boot: string; seq: number }[]);
    await waitFor(`all ${complete.length} complete presses stored (seed ${seed})`, () => stored().length >= complete.length || undefined, 120_000).catch(async (e) => {
      const outbox = await board.evaluate("[LB_.o.lo,LB_.o.md,LB_.o.drop,LB_.o.s,LB_.o.f]").catch((x) => String(x));
      throw new Error(`${(e as Error).message}: pressed ${JSON.stringify(complete)} (cut mid-press ${JSON.stringify(interrupted)}), stored ${JSON.stringify(stored())}, outbox ${JSON.stringify(outbox)}, board printed ${board.output().slice(-1500)}\n${log.join("\n")}`);
    });
    await sleep(3000);
    const rows = stored();
    const detail = `(seed ${seed}): pressed ${JSON.stringify(complete)}, cut mid-press ${JSON.stringify(interrupted)}, stored ${JSON.stringify(rows)}\n${log.join("\n")}`;
    const at = new Map(rows.map((r) => [r.boot + "/" + r.seq, r.kind]));
    for (const c of complete) expect(at.get(c.at), `press ${c.at} stored as ${c.key} ${detail}`).toBe(c.key);
    /* Anything else stored is a press the cut interrupted, under its own (boot, seq) and key: nothing doubled. */
    const allowed = new Map([...complete, ...interrupted].map((c) => [c.at, c.key]));
    for (const r of rows) expect(allowed.get(r.boot + "/" + r.seq), `stored ${r.boot}/${r.seq} ${r.kind} is a press ${detail}`).toBe(r.kind);
    expect(boots.size).toBe(cycles + 1);
  });
});
