/**
 * The Mosquitto password hash against Debian's own `mosquitto_passwd` (same salt, same hash), and the ACL that
 * `loyalty mosquitto` writes against docs/operations.md's ACL block. Mosquitto itself accepting these hashes is
 * tests/ingest/mosquitto-access.integration.test.ts.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { aclFile, mosquittoHash, mosquittoHashMatches, passwordFile } from "../../gateway/ingest/mosquitto-files.ts";
import { mosquittoPasswd } from "../../gateway/testkit/mosquitto.ts";

describe("mosquittoHash", () => {
  it.each([["a 128-bit secret as loyalty flash makes it", "0123456789abcdef0123456789abcdef"], ["a gateway password with non-ASCII", "пароль gw 7"]])(
    "is the hash mosquitto_passwd writes for %s, given its salt",
    (_what, password) => {
      const file = join(mkdtempSync(join(tmpdir(), "lb-passwd-")), "p");
      mosquittoPasswd(file, "u", password);
      const written = readFileSync(file, "utf8").trim().slice("u:".length);
      const [, seven, iterations, salt] = written.split("$");
      expect(seven).toBe("7");
      expect(mosquittoHash(password, Buffer.from(salt!, "base64"), Number(iterations))).toBe(written);
      expect(mosquittoHashMatches(written, password)).toBe(true);
      expect(mosquittoHashMatches(written, password + "x")).toBe(false);
    },
  );

  it("makes a new salt each time, in mosquitto_passwd's shape ($7$101$, 12-byte salt, 64-byte hash)", () => {
    const a = mosquittoHash("s");
    const b = mosquittoHash("s");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^\$7\$101\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);
    expect(mosquittoHashMatches(a, "s") && mosquittoHashMatches(b, "s")).toBe(true);
  });
});

describe("passwordFile and aclFile", () => {
  it("writes one user:hash line each", () => {
    expect(passwordFile([{ user: "gateway", hash: "$7$101$a$b" }, { user: "SHOP-1", hash: "$7$101$c$d" }])).toBe("gateway:$7$101$a$b\nSHOP-1:$7$101$c$d\n");
    expect(passwordFile([])).toBe("");
  });

  it("writes the ACL of docs/operations.md (for user gateway and prefix lb), and follows the user name and prefix", () => {
    const doc = readFileSync(new URL("../../docs/operations.md", import.meta.url), "utf8");
    const block = [...doc.matchAll(/```conf\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.startsWith("# /etc/mosquitto/loyalty.acl"));
    const rules = (text: string) => text.split("\n").filter((l) => l !== "" && !l.startsWith("#"));
    expect(rules(aclFile("gateway", "lb"))).toEqual(rules(block!));
    expect(rules(aclFile("gw-2", "shop"))).toEqual([
      "user gw-2",
      "topic read shop/v1/dev/+/up",
      "topic read shop/v1/dev/+/state",
      "topic write shop/v1/dev/+/down",
      "topic readwrite shop/v1/gw/state",
      "pattern write shop/v1/dev/%u/up",
      "pattern write shop/v1/dev/%u/state",
      "pattern read shop/v1/dev/%u/down",
    ]);
  });
});
