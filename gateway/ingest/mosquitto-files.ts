/**
 * The external Mosquitto's password file and ACL, made from the gateway's database (docs/operations.md "MQTT
 * broker"): pure text, written by `loyalty mosquitto` (gateway/cli/mosquitto-command.ts). The password hash is
 * Mosquitto 2.0's `$7$`: PBKDF2-HMAC-SHA512, 101 iterations, a 12-byte salt, 64 bytes of hash, both in base64, as
 * `mosquitto_passwd` writes it (tests/ingest/mosquitto-files.test.ts checks it against Debian's mosquitto_passwd).
 */
import { pbkdf2Sync, randomBytes } from "node:crypto";
import { deviceTopic, gatewayStateTopic } from "../../protocol/topics.ts";

/** mosquitto_passwd's defaults (Mosquitto 2.0, src/password_mosq.c). */
export const MOSQUITTO_ITERATIONS = 101;
const SALT_BYTES = 12;
const HASH_BYTES = 64;

/** The `$7$...` hash of `password`, with a new random salt unless one is given (tests). */
export function mosquittoHash(password: string, salt: Buffer = randomBytes(SALT_BYTES), iterations = MOSQUITTO_ITERATIONS): string {
  const hash = pbkdf2Sync(Buffer.from(password, "utf8"), salt, iterations, HASH_BYTES, "sha512");
  return `$7$${iterations}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

/** True when `hash` (a `$7$` line's part after the colon) is the hash of `password`. */
export function mosquittoHashMatches(hash: string, password: string): boolean {
  const m = /^\$7\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(hash);
  if (!m) return false;
  return mosquittoHash(password, Buffer.from(m[2]!, "base64"), Number(m[1])) === hash;
}

/** A user name Mosquitto's files can hold: no colon (the password file's separator), no space, no line break. */
export const FILE_SAFE_USER = /^[^\s:#]+$/;

export interface PasswordLine {
  user: string;
  /** A `$7$` hash. */
  hash: string;
}

/** The password file: one `user:hash` line each, in the order given. */
export function passwordFile(lines: readonly PasswordLine[]): string {
  return lines.map((l) => `${l.user}:${l.hash}\n`).join("");
}

/**
 * The ACL of docs/operations.md: the gateway's user reads every device's up and state topics, writes their down
 * topics and owns the gateway's state; every other user (a terminal, its user name being its serial) writes its own
 * up and state topics and reads its own down topic.
 */
export function aclFile(gatewayUser: string, prefix: string): string {
  return [
    "# Written by `loyalty mosquitto` (docs/operations.md): edits are lost at its next run.",
    "# The gateway (mqtt.username / mqtt.password in its config):",
    `user ${gatewayUser}`,
    `topic read ${deviceTopic(prefix, "+", "up")}`,
    `topic read ${deviceTopic(prefix, "+", "state")}`,
    `topic write ${deviceTopic(prefix, "+", "down")}`,
    `topic readwrite ${gatewayStateTopic(prefix)}`,
    "# Every terminal: %u is its user name, its serial.",
    `pattern write ${deviceTopic(prefix, "%u", "up")}`,
    `pattern write ${deviceTopic(prefix, "%u", "state")}`,
    `pattern read ${deviceTopic(prefix, "%u", "down")}`,
    "",
  ].join("\n");
}
