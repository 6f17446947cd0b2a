/**
 * Each device's MQTT credential (docs/protocol.md "MQTT"): username = serial, password = a random secret that
 * `loyalty flash` writes onto the board. The database keeps only the secret's SHA-256 (a 128-bit random secret
 * needs no slow hash: there is nothing to guess from), and the Mosquitto 2.0 hash of it for an external broker's
 * password file (`loyalty mosquitto`); a revoked credential stays, so it is refused by name.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { mosquittoHash } from "../ingest/mosquitto-files.ts";
import type { Db } from "./db.ts";

/** 16 random bytes (128 bits) as 32 lower-case hex digits: printable, safe in JSON and in the firmware's CONNECT. */
export const newSecret = (): string => randomBytes(16).toString("hex");

const sha256 = (secret: string | Buffer) => createHash("sha256").update(secret).digest();

/** A credential in force, as an external broker's password file needs it; `mosquittoHash` null: issued before it was kept. */
export interface CredentialInForce {
  serial: string;
  mosquittoHash: string | null;
}

/** What the pages show of a device's credential (never the secret): issued and in force, revoked, or none ever issued. */
export interface CredentialState {
  state: "issued" | "revoked" | "none";
  /** When it was issued or revoked; null for none. */
  atMs: number | null;
}

export function credentialsRepo(db: Db) {
  const upsert = db.prepare(
    `INSERT INTO device_credentials (serial, secret_sha256, mosquitto_hash, issued_ms, revoked_ms) VALUES (?, ?, ?, ?, NULL)
     ON CONFLICT (serial) DO UPDATE SET secret_sha256 = excluded.secret_sha256, mosquitto_hash = excluded.mosquitto_hash,
       issued_ms = excluded.issued_ms, revoked_ms = NULL`,
  );
  const get = db.prepare(`SELECT secret_sha256 AS hash FROM device_credentials WHERE serial = ? AND revoked_ms IS NULL`);
  const revoke = db.prepare(`UPDATE device_credentials SET revoked_ms = ? WHERE serial = ? AND revoked_ms IS NULL`);
  const inForce = db.prepare(`SELECT serial, mosquitto_hash AS mosquittoHash FROM device_credentials WHERE revoked_ms IS NULL ORDER BY serial`);
  const revokedAt = db.prepare(`SELECT revoked_ms AS revokedMs FROM device_credentials WHERE serial = ?`);
  const times = db.prepare(`SELECT issued_ms AS issuedMs, revoked_ms AS revokedMs FROM device_credentials WHERE serial = ?`);
  return {
    /** A new secret for `serial`, replacing (and un-revoking) any earlier one; returns the secret, kept nowhere here. */
    issue(serial: string, now: number): string {
      const secret = newSecret();
      upsert.run(serial, sha256(secret).toString("hex"), mosquittoHash(secret), now);
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
    /** When the device's credential was revoked; undefined when it has one in force or never had one. */
    revokedMs(serial: string): number | undefined {
      const row = revokedAt.get(serial) as { revokedMs: number | null } | undefined;
      return row?.revokedMs ?? undefined;
    },
    /** The credential's state, for the terminals page. */
    state(serial: string): CredentialState {
      const row = times.get(serial) as { issuedMs: number; revokedMs: number | null } | undefined;
      if (!row) return { state: "none", atMs: null };
      return row.revokedMs === null ? { state: "issued", atMs: row.issuedMs } : { state: "revoked", atMs: row.revokedMs };
    },
    /** Every unrevoked credential, by serial. */
    inForce(): CredentialInForce[] {
      return inForce.all() as CredentialInForce[];
    },
  };
}
