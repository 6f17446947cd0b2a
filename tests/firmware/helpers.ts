/**
 * Test helpers: build the firmware once per variant (through the build API, into a temp folder) and play the
 * gateway with protocol/endpoints.ts `gatewayEnd()` — a scripted peer that decodes what the board writes and
 * encodes what it answers, never a mock of the firmware.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildFirmware, type BuildOptions } from "../../firmware/build/build.ts";
import { createSimulatedBoard, type SimBoard, type SimBoardOptions } from "../../firmware/sim/index.ts";
import { gatewayEnd } from "../../protocol/endpoints.ts";
import { replCall } from "../../protocol/repl.ts";
import type { DownMsg, UpMsg } from "../../protocol/schemas.ts";

export const SERIAL = "33ffd605-41573033-15720843";
export const CONFIG = { t: "config", d: SERIAL, tid: "msk-01.till-2", role: "combo", q: "staff", qt: "Ok?", w: 30000, l: 3000, fm: 1800000, hb: 60000 } as const;

const builds = new Map<string, Promise<string>>();

/** The built minified bundle for these options (built once per test file and variant). */
export function bundle(o: BuildOptions = {}): Promise<string> {
  const key = JSON.stringify(o);
  let b = builds.get(key);
  if (!b) {
    b = buildFirmware({ ...o, outDir: mkdtempSync(join(tmpdir(), "lbfw-")) }).then((r) => {
      if (r.findings.length) throw new Error("bundle outside the Espruino subset: " + JSON.stringify(r.findings));
      return r.code;
    });
    builds.set(key, b);
  }
  return b;
}

export interface Peer {
  board: SimBoard;
  /** Every up message decoded so far (valid frames only). */
  got: UpMsg[];
  /** Lines that did not decode, with their code. */
  bad: string[];
  /** Decodes what the board wrote since the last call. */
  read(): UpMsg[];
  send(msg: DownMsg): void;
  /** Distinct events (by b, n) seen so far, in first-seen order. */
  events(): Extract<UpMsg, { t: "event" }>[];
  /** Every event frame seen, retransmissions included. */
  sent(): Extract<UpMsg, { t: "event" }>[];
  /** Acks every event frame received since the last call, repeats included (as the gateway re-acks duplicates). */
  ackAll(): void;
}

/** A serial board (REPL form) and the scripted gateway on its cable. */
export function serialPeer(code: string, o: SimBoardOptions = {}): Peer {
  const end = gatewayEnd();
  const board = createSimulatedBoard({ bundle: code, board: "pico", ...o });
  let ackedUpTo = 0;
  const peer: Peer = {
    board,
    got: [],
    bad: [],
    read() {
      const fresh: UpMsg[] = [];
      for (const l of board.takeLines()) {
        if (l.indexOf("~LB") < 0) continue;
        const r = end.decode(l);
        if (r.ok) fresh.push(r.msg);
        else peer.bad.push(r.code + ": " + l);
      }
      peer.got.push(...fresh);
      return fresh;
    },
    send(msg) {
      const r = end.encode(msg);
      if (!r.ok) throw new Error("test sent a bad frame: " + r.reason);
      board.serialInput(replCall(r.line));
    },
    events() {
      return distinct(peer.sent());
    },
    sent() {
      peer.read();
      return peer.got.filter((m): m is Extract<UpMsg, { t: "event" }> => m.t === "event");
    },
    ackAll() {
      const byBoot = new Map<string, number[]>();
      const all = peer.sent();
      for (const e of distinct(all.slice(ackedUpTo))) byBoot.set(e.b, [...(byBoot.get(e.b) || []), e.n]);
      ackedUpTo = all.length;
      for (const [b, ns] of byBoot) for (let i = 0; i < ns.length; i += 32) peer.send({ t: "ack", d: SERIAL, b, n: ns.slice(i, i + 32) });
    },
  };
  return peer;
}

/** Distinct events by (b, n), in first-seen order. */
export function distinct<E extends { b: string; n: number }>(events: E[]): E[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    const k = e.b + "/" + e.n;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Pairs the board: sends config (and optionally time) and clears what it wrote so far. */
export function pair(p: Peer, time?: number): void {
  p.send({ ...CONFIG });
  if (time !== undefined) p.send({ t: "time", d: SERIAL, ms: time });
  p.read();
}
