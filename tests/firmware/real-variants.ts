/**
 * The suite every board runs on the real Espruino interpreter with that board's own pool (one test file per
 * board, so they run in parallel): each role and transport the board has starts without an error, answers every
 * press of its buttons (through the real setWatch, debounce included) with event frames that the gateway's codec
 * accepts, is acked, and keeps at least a quarter of its variables free after start, with a full outbox loaded
 * at boot, and while presses arrive at a full outbox (the oldest dropped and counted).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmbeddedBroker, startEmbeddedBroker } from "../../gateway/ingest/broker.ts";
import { silentLogger } from "../../gateway/log.ts";
import { testCredentials } from "../../gateway/testkit/credentials.ts";
import { BOARDS, ROLES } from "../../firmware/build/boards.ts";
import { MAX_UNACKED, SEG } from "../../firmware/src/constants.ts";
import { startMosquitto, type Mosquitto } from "../../gateway/testkit/mosquitto.ts";
import { configFor, fullOutbox, realPeer, sleep, type RealPeer, type Transport } from "../../firmware/interpreter/peer.ts";

/** The memory target of docs/firmware.md "Memory": at least this share of the pool free. */
export const FREE_SHARE = 0.25;

const PRESSES: { [role: string]: [string, number][] } = {
  combo: [["seller", 150], ["seller", 900], ["yes", 150], ["no", 150], ["unsure", 150]],
  keypad: [["yes", 150], ["no", 150], ["unsure", 150]],
  seller: [["seller", 150], ["seller", 900]],
};
const KINDS: { [role: string]: string[] } = { combo: ["short", "long", "yes", "no", "unsure"], keypad: ["yes", "no", "unsure"], seller: ["short", "long"] };

export function variantSuite(board: string): void {
  const transports: Transport[] = BOARDS[board]!.mqtt ? ["serial", "mqtt"] : ["serial"];
  let broker: EmbeddedBroker | undefined;
  const creds = testCredentials();
  let mosquitto: Mosquitto | undefined;
  beforeAll(async () => {
    if (transports.includes("mqtt")) {
      broker = await startEmbeddedBroker({ host: "127.0.0.1", port: 0, log: silentLogger(), check: creds.check });
      mosquitto = await startMosquitto();
    }
  });
  afterAll(async () => {
    await broker?.stop();
    await mosquitto?.stop();
  });

  const cases: [string, Transport, string][] = [];
  for (const t of transports) for (const role of ROLES) cases.push([role, t, "embedded broker"]);
  if (transports.includes("mqtt")) cases.push(["combo", "mqtt", "mosquitto"]);

  describe.each(cases.map(([role, t, via]) => ({ role, t, via: t === "mqtt" ? via : "console" })))(`${board}, $role, $t ($via)`, ({ role, t, via }) => {
    it("starts, answers every press with an event frame, and keeps a quarter of its memory free, full outbox included", { timeout: 240_000 }, async () => {
      const serial = `REAL-${board}-${role}-${t}-${via === "mosquitto" ? "m" : "e"}`.toUpperCase();
      const port = t === "mqtt" ? (via === "mosquitto" ? mosquitto!.port : broker!.port) : undefined;
      /* On the embedded broker the board logs in with its own credential and the peer is the gateway's in-process side. */
      const embedded = t === "mqtt" && via !== "mosquitto" ? { local: broker!.local, secret: creds.issue(serial) } : {};
      let p: RealPeer = await realPeer({ board, role, transport: t, serial, brokerPort: port, ...embedded });
      const free = async (when: string) => {
        const m = await p.memory();
        const share = m.free / m.total;
        expect(share, `${when}: ${m.usage} of ${m.total} variables used`).toBeGreaterThanOrEqual(FREE_SHARE);
        return m;
      };
      const outbox = async () => (await p.board.evaluate("[LB_.o.f.length,LB_.o.drop,LB_.o.s.length]")) as number[];
      try {
        await p.until("hello", () => p.got.some((m) => m.t === "hello"));
        expect(p.got.find((m) => m.t === "hello")).toMatchObject({ d: serial, role, cap: expect.arrayContaining([t === "mqtt" ? "mqtt" : "serial"]) });
        p.send(configFor(serial, role));
        p.send({ t: "time", d: serial, ms: Date.now() });
        const t0 = Date.now();
        while (!(await p.board.evaluate("LB_.s.c!==undefined&&LB_.s.off>=0")) && Date.now() - t0 < 20_000) await sleep(100);
        expect(await p.board.evaluate("LB_.s.c!==undefined&&LB_.s.off>=0"), "paired and on the gateway's time within 20 s").toBe(true);
        await free("after start, paired");

        /* Acked as they arrive, as the gateway does: only FLIGHT (4) events are in flight at a time. */
        for (const [btn, ms] of PRESSES[role]!) {
          await p.press(btn as "seller", ms, 250);
          const sent = p.events();
          if (sent.length) p.send({ t: "ack", d: serial, b: sent[0]!.b, n: sent.map((e) => e.n) });
        }
        await p.until("an event per press", () => p.events().length >= KINDS[role]!.length).catch((e) => {
          throw new Error(e.message + " kinds " + p.events().map((x) => x.k).join(","));
        });
        const ev = p.events();
        expect(ev.map((e) => e.k)).toEqual(KINDS[role]);
        for (const e of ev) {
          expect(e.sync).toBe(1);
          expect(Math.abs(e.ts - Date.now())).toBeLessThan(60_000);
        }
        p.send({ t: "ack", d: serial, b: ev[0]!.b, n: ev.map((e) => e.n) });
        const t1 = Date.now();
        while ((await outbox())[0] !== 0 && Date.now() - t1 < 20_000) await sleep(100);
        expect(await outbox()).toEqual([0, 0, 1]);

        /* A full outbox as a terminal has it after a long outage: 160 unacked events in five segments. */
        for (const [name, text] of Object.entries(fullOutbox(1, MAX_UNACKED / SEG))) await p.board.append(name, text);
        await p.board.kill();
        p.got.length = 0;
        await p.board.boot();
        await p.until("hello after the reboot", () => p.got.some((m) => m.t === "hello"));
        await p.until("the oldest unacked events resent", () => p.events().filter((e) => e.b === "0000beef").length >= 4);
        await free("full outbox, after boot");
        p.send({ t: "time", d: serial, ms: Date.now() });
        const extra = PRESSES[role]!.slice(0, 3);
        for (const [btn, ms] of extra) await p.press(btn as "seller", ms, 250);
        await sleep(500);
        const full = await free("full outbox, after " + extra.length + " more presses");
        expect((await outbox())[1]).toBe(extra.length);

        /* Drain it as the gateway does: every event frame that arrives is acked (again, if it is a resend). */
        const boot = p.got.find((m) => m.t === "hello")!.b;
        let seen = 0;
        const t2 = Date.now();
        while (p.events().filter((e) => e.b === boot).length < extra.length && Date.now() - t2 < 120_000) {
          const fresh = p.got.slice(seen).flatMap((m) => (m.t === "event" && m.b === "0000beef" ? [m.n] : []));
          seen = p.got.length;
          if (fresh.length) p.send({ t: "ack", d: serial, b: "0000beef", n: fresh.slice(0, 32) });
          await sleep(50);
        }
        expect(p.events().filter((e) => e.b === boot).map((e) => e.n)).toEqual(extra.map((_, i) => i + 1));
        expect(p.errors()).toEqual([]);
        expect(p.bad).toEqual([]);
        process.stdout.write(`memory ${board}/${role}/${t}: ${full.usage} of ${full.total} used at a full outbox\n`);
      } finally {
        await p.close();
      }
    });
  });
}
