/** The demo's pseudo-terminal pair: socat's, and the python3 relay used where socat is not installed. */
import { createReadStream, openSync, writeSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { openPtyPair, type PtyPair } from "../../gateway/testkit/pty-pair.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";

const open: { pair: PtyPair; streams: ReturnType<typeof createReadStream>[] }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    o.streams.forEach((s) => s.destroy());
    await o.pair.close();
  }
});

describe("openPtyPair", () => {
  it.each(["socat", "python3"] as const)("%s: bytes go both ways unchanged (raw: no echo, no CR/LF mapping)", async (via) => {
    const pair = await openPtyPair([via]);
    if ("reason" in pair) throw new Error(pair.reason);
    expect(pair.via).toBe(via);
    expect(pair.shown).toMatch(/^\/dev\/pts\/\d+$/);
    const fds = [openSync(pair.gateway, "r+"), openSync(pair.device, "r+")];
    const got = ["", ""];
    const streams = fds.map((fd, i) => createReadStream("", { fd, encoding: "latin1" }).on("data", (c) => (got[i] += String(c))).on("error", () => undefined));
    open.push({ pair, streams });
    writeSync(fds[0]!, "\x10LB(\"~LB1|{}|00\")\r\n");
    writeSync(fds[1]!, "~LB1|{\"t\":\"hello\"}|0\n");
    await waitFor("both directions", () => got[1] === "\x10LB(\"~LB1|{}|00\")\r\n" && got[0] === "~LB1|{\"t\":\"hello\"}|0\n");
  });

  it("says why when it cannot make one", async () => {
    const r = await openPtyPair([]);
    expect(r).toEqual({ reason: expect.stringContaining("socat") });
  });
});
