/**
 * Power cuts at every point of every flash write, with a non-empty outbox (issue 5 "Testing without hardware";
 * docs/firmware.md "Outbox"). Each run starts from the same flash (paired, two unacked events), cuts the power
 * after `keep` bytes of the op-th write, powers on and lets the scripted gateway ack everything. Nothing that
 * was in the outbox may be lost, nothing may be corrupted, and the outbox must drain.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createFlash, type SimFlash } from "../../firmware/sim/index.ts";
import { bundle, pair, serialPeer, type Peer } from "./helpers.ts";

let code = "";
let seed: SimFlash;
let first: { b: string; n: number; k: string; ts: number }[] = [];

beforeAll(async () => {
  code = await bundle({ board: "pico" });
  const p = serialPeer(code);
  pair(p);
  p.board.press("seller", 100);
  p.board.advance(300);
  p.board.press("yes", 100);
  p.board.advance(300);
  first = p.events().map((e) => ({ b: e.b, n: e.n, k: e.k, ts: e.ts }));
  seed = p.board.flash;
  p.board.stop();
});

function drain(p: Peer): void {
  for (let i = 0; i < 12; i++) {
    p.board.advance(3000);
    p.ackAll();
  }
  p.board.advance(61_000);
}

/* Runs `action` on a board booted from the seed flash with a cut armed at op `op` keeping `keep` bytes. */
function scenario(action: (p: Peer) => void, op: number, keep: number) {
  const flash = createFlash({ files: seed.files, size: seed.size });
  const p = serialPeer(code, { flash });
  p.board.advance(100);
  flash.cutAt(op, keep);
  action(p);
  const cut = !p.board.alive;
  p.board.powerOn();
  drain(p);
  return { p, cut };
}

/* Ops (and their sizes) an action causes, measured on an uncut run. */
function opsOf(action: (p: Peer) => void): number[] {
  const flash = createFlash({ files: seed.files, size: seed.size });
  const p = serialPeer(code, { flash });
  p.board.advance(100);
  const from = flash.history.length;
  action(p);
  p.board.stop();
  return flash.history.slice(from);
}

function check(p: Peer, extra: string[], where: string) {
  p.read();
  expect(p.bad).toEqual([]);
  expect(p.board.errors).toEqual([]);
  const ev = p.events();
  for (const f of first) expect(ev).toContainEqual(expect.objectContaining(f));
  const others = ev.filter((e) => !first.some((f) => f.b === e.b && f.n === e.n));
  for (const e of others) expect(extra).toContain(e.k);
  const st = p.got.filter((m) => m.t === "status").pop();
  expect(st, where + " " + JSON.stringify(p.board.flash.dump()) + JSON.stringify(p.got.map((m) => m.t))).toMatchObject({ q: 0, drop: 0 });
}

describe("power cut at every point of a write", () => {
  const pressNo = (p: Peer) => {
    p.board.press("no", 100);
    p.board.advance(500);
  };
  const ackAll = (p: Peer) => {
    p.board.advance(2500);
    p.ackAll();
    p.board.advance(100);
  };

  it("while a new event is appended", () => {
    const sizes = opsOf(pressNo);
    expect(sizes.length).toBeGreaterThan(0);
    let runs = 0;
    sizes.forEach((size, i) => {
      for (let keep = 0; keep <= size; keep++) {
        const r = scenario(pressNo, i + 1, keep);
        expect(r.cut).toBe(true);
        check(r.p, ["no"], "op " + (i + 1) + " keep " + keep);
        runs++;
      }
    });
    expect(runs).toBeGreaterThan(20);
  });

  it("while acks are recorded", () => {
    const sizes = opsOf(ackAll);
    expect(sizes.length).toBeGreaterThanOrEqual(2);
    sizes.forEach((size, i) => {
      for (let keep = 0; keep <= size; keep++) {
        const r = scenario(ackAll, i + 1, keep);
        expect(r.cut).toBe(true);
        check(r.p, [], "op " + (i + 1) + " keep " + keep);
      }
    });
  });
});

describe("power cut while a segment is compacted", () => {
  let full: SimFlash;
  let bootId = "";
  beforeAll(() => {
    const p = serialPeer(code);
    pair(p);
    for (let i = 0; i < 33; i++) {
      p.board.press("yes", 50);
      p.board.advance(100);
      if (i < 31) {
        p.ackAll();
        p.board.advance(10);
      }
    }
    bootId = p.events()[0]!.b;
    full = p.board.flash;
    p.board.stop();
  });

  /* The ack of event 32 finishes segment 0: its ack line, then `lbm`, then the erase. */
  const ackLast = (p: Peer) => p.send({ t: "ack", d: "33ffd605-41573033-15720843", b: bootId, n: [32] });

  it("loses nothing and counts nothing twice at any byte of the ack, the meta write or the erase", () => {
    const probe = serialPeer(code, { flash: createFlash({ files: full.files, size: full.size }) });
    probe.board.advance(5000);
    const from = probe.board.flash.history.length;
    ackLast(probe);
    const sizes = probe.board.flash.history.slice(from);
    expect(probe.board.flash.files.has("lbo0")).toBe(false);
    probe.board.stop();
    expect(sizes.length).toBe(3);
    sizes.forEach((size, i) => {
      for (let keep = 0; keep <= size; keep++) {
        const flash = createFlash({ files: full.files, size: full.size });
        const p = serialPeer(code, { flash });
        p.board.advance(5000);
        flash.cutAt(i + 1, keep);
        ackLast(p);
        expect(p.board.alive).toBe(false);
        p.board.powerOn();
        drain(p);
        p.read();
        const st = p.got.filter((m) => m.t === "status").pop();
        expect(st, "op " + (i + 1) + " keep " + keep).toMatchObject({ q: 0, drop: 0 });
        expect(p.events().some((e) => e.n === 33)).toBe(true);
        expect(p.board.errors).toEqual([]);
      }
    });
  });
});

describe("flash formats of the built bundle", () => {
  it("writes lbm with the documented keys (docs/firmware.md \"Outbox format\")", () => {
    const p = serialPeer(code, { flash: createFlash({ files: seed.files, size: seed.size }) });
    for (let i = 0; i < 33; i++) {
      p.board.press("no", 50);
      p.board.advance(100);
      p.ackAll();
      p.board.advance(10);
    }
    p.board.advance(3000);
    p.ackAll();
    p.board.advance(100);
    expect(Object.keys(JSON.parse(p.board.flash.files.get("lbm")!.data)).sort()).toEqual(["drop", "lo"]);
    expect(p.board.flash.files.get("lbo1")!.data).toMatch(/^[0-9a-f]{8},\d+,no,\d+,0,\.\n/);
  });
});
