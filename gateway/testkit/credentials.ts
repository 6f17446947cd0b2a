/**
 * Device credentials for a broker in a test or benchmark that has no gateway database: the same shape the gateway
 * gives its embedded broker (`store.credentials`), kept in memory. Devices get theirs the way real ones do: issued
 * per serial, checked on connect, revocable.
 */
import { newSecret } from "../store/credentials.ts";
import type { CheckCredential } from "../ingest/broker-access.ts";

export interface TestCredentials {
  /** For `startEmbeddedBroker({ check })`. */
  check: CheckCredential;
  /** A new secret for `serial` (replacing any earlier one). */
  issue(serial: string): string;
  revoke(serial: string): void;
}

export function testCredentials(): TestCredentials {
  const secrets = new Map<string, string>();
  return {
    check: (serial, secret) => secrets.get(serial) === secret.toString("latin1"),
    issue(serial) {
      const s = newSecret();
      secrets.set(serial, s);
      return s;
    },
    revoke: (serial) => void secrets.delete(serial),
  };
}
