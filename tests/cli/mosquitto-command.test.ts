/**
 * `loyalty mosquitto`: the password file and ACL of an external Mosquitto from a real gateway database; revoked and
 * never-flashed devices left out, the gateway's user from its config, files replaced whole with their mode and owner
 * kept, and a clear error in words for each thing missing. Mosquitto reading these files is
 * tests/ingest/mosquitto-access.integration.test.ts.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { aclFile, mosquittoHashMatches } from "../../gateway/ingest/mosquitto-files.ts";
import { openStore } from "../../gateway/store/store.ts";
import { runCli } from "../support/cli.ts";

/** A gateway database with three flashed devices (one then revoked) and one credential from before the Mosquitto hash. */
function setup(mqtt: Record<string, string> = { username: "gateway", password: "gw-pass" }) {
  const dir = mkdtempSync(join(tmpdir(), "lb-mosq-cli-"));
  const db = join(dir, "loyalty.sqlite");
  const store = openStore(db);
  const secrets = { A: store.credentials.issue("SHOP-A", 1), B: store.credentials.issue("SHOP-B", 1) };
  store.credentials.issue("SHOP-GONE", 1);
  store.credentials.revoke("SHOP-GONE", 2);
  store.db.prepare(`INSERT INTO device_credentials (serial, secret_sha256, issued_ms) VALUES ('SHOP-OLD', 'ab', 1)`).run();
  store.close();
  const config = join(dir, "gateway.json");
  writeFileSync(config, JSON.stringify({ database: db, mqtt: { url: "mqtt://127.0.0.1:1883", ...mqtt } }));
  return { dir, config, secrets, passwords: join(dir, "loyalty.passwd"), acl: join(dir, "loyalty.acl") };
}

const users = (file: string) => readFileSync(file, "utf8").trim().split("\n").map((l) => l.split(":")[0]);
const hashOf = (file: string, user: string) => readFileSync(file, "utf8").split("\n").find((l) => l.startsWith(user + ":"))!.slice(user.length + 1);

describe("loyalty mosquitto", () => {
  it("writes the gateway's user and every unrevoked device with its Mosquitto hash, and the ACL", async () => {
    const s = setup();
    const r = await runCli("mosquitto", "--config", s.config, "--passwords", s.passwords, "--acl", s.acl);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Wrote ${s.passwords} (the gateway's user gateway and 2 terminals) and ${s.acl}.`);
    expect(r.out).toContain("systemctl reload mosquitto");
    expect(r.err).toBe("Left out (flashed before the gateway kept Mosquitto hashes): SHOP-OLD. Flash each again with loyalty flash --transport mqtt, then run this again.\n");
    expect(users(s.passwords)).toEqual(["gateway", "SHOP-A", "SHOP-B"]);
    expect(mosquittoHashMatches(hashOf(s.passwords, "gateway"), "gw-pass")).toBe(true);
    expect(mosquittoHashMatches(hashOf(s.passwords, "SHOP-A"), s.secrets.A)).toBe(true);
    expect(mosquittoHashMatches(hashOf(s.passwords, "SHOP-B"), s.secrets.B)).toBe(true);
    expect(readFileSync(s.acl, "utf8")).toBe(aclFile("gateway", "lb"));
    expect(statSync(s.passwords).mode & 0o777).toBe(0o600);
    expect(statSync(s.acl).mode & 0o777).toBe(0o644);
  });

  it("replaces the files whole, keeping the mode the administrator gave them, and leaves no temporary file", async () => {
    const s = setup();
    writeFileSync(s.passwords, "stale:line\n");
    chmodSync(s.passwords, 0o640);
    const before = readdirSync(s.dir).sort();
    expect((await runCli("mosquitto", "--config", s.config, "--passwords", s.passwords, "--acl", s.acl)).code).toBe(0);
    expect(users(s.passwords)).toEqual(["gateway", "SHOP-A", "SHOP-B"]);
    expect(statSync(s.passwords).mode & 0o777).toBe(0o640);
    expect(readdirSync(s.dir).sort()).toEqual([...new Set([...before, "loyalty.acl"])].sort());
  });

  it("drops an unpaired device at the next run", async () => {
    const s = setup();
    const store = openStore(JSON.parse(readFileSync(s.config, "utf8")).database);
    store.credentials.revoke("SHOP-A", 3);
    store.close();
    expect((await runCli("mosquitto", "--config", s.config, "--passwords", s.passwords, "--acl", s.acl)).code).toBe(0);
    expect(users(s.passwords)).toEqual(["gateway", "SHOP-B"]);
  });

  it.each([
    ["no gateway password in the config", { username: "gateway" }, /^the gateway's own Mosquitto user needs mqtt.username and mqtt.password in its config/],
    ["a user name Mosquitto's file cannot hold", { username: "gate way", password: "p" }, /^mqtt.username 'gate way': no spaces, ':' or '#'/],
  ])("refuses %s, in words, writing nothing", async (_what, mqtt, message) => {
    const s = setup(mqtt);
    const r = await runCli("mosquitto", "--config", s.config, "--passwords", s.passwords, "--acl", s.acl);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(readdirSync(s.dir)).not.toContain("loyalty.passwd");
  });

  it("refuses a device whose serial is the gateway's user name, in words, writing nothing", async () => {
    const s = setup({ username: "SHOP-A", password: "gw-pass" });
    const r = await runCli("mosquitto", "--config", s.config, "--passwords", s.passwords, "--acl", s.acl);
    expect(r).toMatchObject({ code: 2, err: "device SHOP-A has the gateway's user name (mqtt.username); choose another one\n" });
    expect(readdirSync(s.dir)).not.toContain("loyalty.passwd");
  });

  it("refuses a missing database and a missing folder, in words", async () => {
    const s = setup();
    const noDb = await runCli("mosquitto", "--config", s.config, "--db", "/nonexistent-lb/loyalty.sqlite", "--passwords", s.passwords, "--acl", s.acl);
    expect(noDb.code).toBe(2);
    expect(noDb.err).toMatch(/^no gateway database at \/nonexistent-lb\/loyalty\.sqlite: run loyalty mosquitto where the gateway runs/);
    const noDir = await runCli("mosquitto", "--config", s.config, "--passwords", "/nonexistent-lb/p", "--acl", s.acl);
    expect(noDir.code).toBe(2);
    expect(noDir.err).toBe("cannot write /nonexistent-lb/p: its folder does not exist\n");
  });
});
