/**
 * gateway/lifecycle.ts with parts that record what happens to them: the order of starts and stops, what a start
 * failure does for a part the gateway cannot run without and for one it can, and stopping past a failure.
 */
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { Lifecycle, type Part } from "../gateway/lifecycle.ts";

function setup() {
  const events: string[] = [];
  const logged: { part: string; msg: string; err: string }[] = [];
  const log = pino({ level: "info" }, {
    write: (line: string) => {
      const l = JSON.parse(line) as { part: string; msg: string; err?: { message: string } };
      logged.push({ part: l.part, msg: l.msg, err: l.err?.message ?? "" });
    },
  });
  const part = (name: string, o: { failStart?: boolean; failStop?: boolean } = {}): Part => ({
    async start() {
      events.push(`start ${name}`);
      if (o.failStart) throw new Error(`${name} cannot start`);
    },
    async stop() {
      events.push(`stop ${name}`);
      if (o.failStop) throw new Error(`${name} cannot stop`);
    },
  });
  return { life: new Lifecycle(log), events, logged, part };
}

describe("lifecycle", () => {
  it("starts parts in order and stops them in reverse, steps without a start in their place", async () => {
    const { life, events, part } = setup();
    await life.start("a", part("a"));
    life.atStop("flush", () => void events.push("stop flush"));
    await life.start("b", part("b"));
    expect(await life.startOptional("c", part("c"))).toBeUndefined();
    await life.stop();
    expect(events).toEqual(["start a", "start b", "start c", "stop c", "stop b", "stop flush", "stop a"]);
  });

  it("stops what already started when a required part cannot start, and throws its failure", async () => {
    const { life, events, logged, part } = setup();
    life.atStop("store", () => void events.push("stop store"));
    await life.start("a", part("a"));
    await expect(life.start("b", part("b", { failStart: true }))).rejects.toThrow("b cannot start");
    expect(events).toEqual(["start a", "start b", "stop a", "stop store"]);
    expect(logged).toEqual([{ part: "b", msg: "a part failed to start; the gateway stops", err: "b cannot start" }]);
    await life.stop();
    expect(events).toHaveLength(4);
  });

  it("throws the start failure of a required part even when stopping the others fails too", async () => {
    const { life, events, part } = setup();
    await life.start("a", part("a", { failStop: true }));
    await life.start("b", part("b"));
    await expect(life.start("c", part("c", { failStart: true }))).rejects.toThrow("c cannot start");
    expect(events).toEqual(["start a", "start b", "start c", "stop b", "stop a"]);
  });

  it("logs an optional part that cannot start, returns why, and goes on without it", async () => {
    const { life, events, logged, part } = setup();
    await life.start("a", part("a"));
    const failed = await life.startOptional("demo", part("demo", { failStart: true }));
    expect((failed?.error as Error).message).toBe("demo cannot start");
    expect(logged).toEqual([{ part: "demo", msg: "a part failed to start; the gateway runs without it", err: "demo cannot start" }]);
    await life.start("b", part("b"));
    await life.stop();
    expect(events).toEqual(["start a", "start demo", "start b", "stop b", "stop a"]);
  });

  it("stops every part when some fail to stop, logs each, and throws the first failure at the end", async () => {
    const { life, events, logged, part } = setup();
    life.atStop("store", () => void events.push("stop store"));
    await life.start("a", part("a", { failStop: true }));
    await life.start("b", part("b"));
    await life.start("c", part("c", { failStop: true }));
    await expect(life.stop()).rejects.toThrow("c cannot stop");
    expect(events.filter((e) => e.startsWith("stop"))).toEqual(["stop c", "stop b", "stop a", "stop store"]);
    expect(logged.map((l) => [l.part, l.err])).toEqual([
      ["c", "c cannot stop"],
      ["a", "a cannot stop"],
    ]);
    await life.stop();
    expect(events.filter((e) => e.startsWith("stop"))).toHaveLength(4);
  });
});
