/**
 * Every command run with a missing or invalid option, or with no gateway running, answers in words: an exit code,
 * a message that names what is wrong, and never a stack trace, a validator's wording or an 'undefined' (issue 15).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "../../gateway/testkit/mosquitto.ts";
import { openStore } from "../../gateway/store/store.ts";
import { runCli as run } from "../support/cli.ts";
import { heard } from "../support/store.ts";

const tempDb = () => join(mkdtempSync(join(tmpdir(), "lb-errors-")), "loyalty.sqlite");

/** What a message in words never contains. */
function expectWords(text: string): void {
  expect(text).not.toMatch(/\n\s+at |undefined|Invalid option|Invalid input|Too small|Too big|Unrecognized key|ZodError|Error: /);
}

describe("CLI errors in words", () => {
  it.each([
    [["pair", "DEV-1"], /^loyalty pair DEV-1 needs --store, --point, --question for a new terminal \(or --terminal <id> to join an existing one\)/],
    [["pair", "DEV-1", "--store", "s1", "--point", "p1"], /^loyalty pair DEV-1 needs --question for a new terminal/],
    [["pair", "DEV-1", "--store", "s1", "--point", "p1", "--question", "mood"], /^--question 'mood': expected staff, office or recommend\n$/],
    [["pair", "DEV-1", "--store", "s1", "--point", "p 1", "--question", "staff"], /^point 'p 1': expected 1\.\.32 of A-Z a-z 0-9 \. _ -\n$/],
    [["pair", "DEV-1", "--terminal", "s1.p1"], /^terminal s1\.p1 does not exist\n$/],
    [["replace", "DEV-1", "DEV-2"], /^device DEV-1 is not paired\n$/],
    [["terminals", "show", "nope"], /^terminal nope does not exist\n$/],
    [["terminals", "set-window", "s1.p1"], /missing required argument 'duration'/],
    [["stores", "add", "s2"], /required option '--zone <tz>' not specified/],
    [["stores", "set-zone", "nope", "UTC"], /^store nope does not exist \(stores: s1 \(Europe\/Moscow\)\)/],
    [["stores", "rename", "s1", " "], /^name ' ': expected some text\n$/],
    [["simulate", "--board", "pico"], /^--board pico talks serial: give --port <path>/],
    [["simulate", "--board", "pico", "--port", "/dev/no-such-port"], /^--port '\/dev\/no-such-port': no such serial port/],
    [["simulate", "--board", "uno"], /^--board 'uno': expected pico, wifi or esp32\n$/],
    [["simulate", "--pair-as", "nodot"], /^--pair-as 'nodot': expected <store>\.<point>/],
    [["report", "--from", "someday"], /--from/],
    [["review", "surveys", "--from", "someday"], /--from/],
    [["import", "transactions", "/no/such/file.csv"], /no\/such\/file\.csv/],
  ])("%j says what is wrong", async (args, message) => {
    const db = tempDb();
    const s = openStore(db);
    heard(s, "DEV-1", "combo", Date.now());
    s.terminals.addStore({ id: "s1", name: "s1", timeZone: "Europe/Moscow", region: null }, Date.now());
    s.close();
    const r = await run(...args, "--db", db);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(message);
    expectWords(r.err);
  });

  it("a config file's and a CSV row's problems are in words, not the validator's", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lb-errors-"));
    const config = join(dir, "gateway.json");
    writeFileSync(config, JSON.stringify({ serial: { ports: [{ path: "" }] }, extra: 1 }));
    const c = await run("gateway", "--config", config);
    expect(c).toEqual({ code: 2, out: "", err: `invalid configuration:\n  ${config}: serial.ports.0.path: expected at least 1 character\n  ${config}: (root): unknown field "extra"\n` });

    const db = tempDb();
    const s = openStore(db);
    s.terminals.addStore({ id: "s1", name: "s1", timeZone: "Europe/Moscow", region: null }, Date.now());
    s.close();
    const csv = join(dir, "visitors.csv");
    writeFileSync(csv, "store,date\ns1,2026-11-21\n");
    const i = await run("import", "visitors", csv, "--db", db);
    expect(i.code).toBe(2);
    expect(i.err).toContain(`${csv}:2: count: required`);
    expectWords(i.err);
  });

  it("simulate with no gateway running says so instead of retrying in silence", async () => {
    const port = await freePort();
    const r = await run("simulate", "--mqtt", `mqtt://127.0.0.1:${port}`, "--db", tempDb());
    expect(r).toEqual({ code: 2, out: "", err: `no gateway answers at mqtt://127.0.0.1:${port} (ECONNREFUSED): start it first (npm start, or loyalty gateway), or give its broker with --mqtt\n` });
  });

  it("status right after start says why columns show '-'", async () => {
    const db = tempDb();
    const s = openStore(db);
    heard(s, "DEV-1", "combo", Date.now());
    s.close();
    const r = await run("status", "--db", db);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^DEV-1\s+-\s+combo\s+pending\s+\d+ s ago\s+-\s+-\s+-\s+-\s+test$/m);
    expect(r.out).toContain("'-' under terminal: the device is pending, not paired yet (loyalty pair lists them)\n");
    expect(r.out).toContain("'-' under outbox and dropped: no status from the device yet; a paired device sends one every heartbeat (60 s by default), a pending one none\n");
    expect(r.out).toContain("'-' under clock offset: the device has not reported its clock yet");
    expect(r.out).toContain("'-' under drift: it needs two clock reports at least a minute apart");
  });
});
