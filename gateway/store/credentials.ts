/**
 * Each device's MQTT credential (docs/protocol.md "MQTT"): username = serial, password = a random secret that
 * `loyalty flash` writes onto the board. The database keeps only the secret's SHA-256 (a 128-bit random secret
 * needs no slow hash: there is nothing to guess from); a revoked credential stays, so it is refused by name.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "./db.ts";

/** 16 random bytes (128 bits) as 32 lower-case hex digits: printable, safe in JSON and in the firmware's CONNECT. */
export const newSecret = (): string => randomBytes(16).toString("hex");

const sha256 = (secret: string | Buffer) => createHash("sha256").update(secret).digest();

export function credentialsRepo(db: Db) {
  const upsert = db.prepare(
    `INSERT INTO device_credentials (serial, secret_sha256, issued_ms, revoked_ms) VALUES (?, ?, ?, NULL)
     ON CONFLICT (serial) DO UPDATE SET secret_sha256 = excluded.secret_sha256, issued_ms = excluded.issued_ms, revoked_ms = NULL`,
  );
  const get = db.prepare(`SELECT secret_sha256 AS hash FROM device_credentials WHERE serial = ? AND revoked_ms IS NULL`);
  const revoke = db.prepare(`UPDATE device_credentials SET revoked_ms = ? WHERE serial = ? AND revoked_ms IS NULL`);
  return {
    /** A new secret for `serial`, replacing (and un-revoking) any earlier one; returns the secret, kept nowhere here. */
    issue(serial: string, now: number): string {
      const secret = newSecret();
      upsert.run(serial, sha256(secret).toString("hex"), now);
      return secret;
    },
    /** True when `secret` is the current, unrevoked secret of `serial` (compared in constant time). */
    check(serial: string, secret: string | Buffer): boolean {
      const row = get.get(serial) as { hash: string } | undefined;
      return row !== undefined && timingSafeEqual(Buffer.from(row.hash, "hex"), sha256(secret));
    },
    /** Revokes the device's credential; true when there was one in force. */
    revoke(serial: string, now: number): boolean {
      return revoke.run(now, serial).changes > 0;
    },
  };
}
