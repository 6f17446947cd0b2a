/**
 * Password hashing with node:crypto's scrypt (RFC 7914): memory-hard, in Node itself, no native addon to build.
 * Stored as `scrypt$N$r$p$salt$hash` (base64), so the cost can be raised later and old hashes still verify.
 * Cost N = 2^15, r = 8 (32 MiB, about 50-100 ms here): OWASP's minimum for scrypt is N = 2^17 with r = 8 at
 * p = 1 or an equivalent; we take N = 2^15, p = 4, which costs the same work with a smaller memory peak.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

const N = 1 << 15;
const R = 8;
const P = 4;
const KEY = 32;
/** Enough for N = 2^15, r = 8 (128 * N * r = 32 MiB) with headroom; Node's default (32 MiB) is exactly at the edge. */
const MAXMEM = 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, o: ScryptOptions & { keylen: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password.normalize("NFC"), salt, o.keylen, { N: o.N, r: o.r, p: o.p, maxmem: MAXMEM }, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, { N, r: R, p: P, keylen: KEY });
  return `scrypt$${N}$${R}$${P}$${salt.toString("base64")}$${key.toString("base64")}`;
}

/** True when `password` matches `stored`; false for a wrong one and for a stored value that is no hash of ours. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, key] = stored.split("$");
  if (kind !== "scrypt" || !salt || !key) return false;
  const expected = Buffer.from(key, "base64");
  const got = await derive(password, Buffer.from(salt, "base64"), { N: Number(n), r: Number(r), p: Number(p), keylen: expected.length });
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** Rules for a new password, in words; undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < 8) return "a password has at least 8 characters";
  if (password.length > 200) return "a password has at most 200 characters";
  return undefined;
}

/** A random password (96 bits, 16 URL-safe characters), for the demo's admin. */
export function randomPassword(): string {
  return randomBytes(12).toString("base64url");
}
