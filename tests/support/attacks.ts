/**
 * What the broker-access tests (embedded broker, Mosquitto) share: a client connecting as an attacker would, a
 * forged event frame, what got stored, and one real press acked (after it, whatever an attacker sent before has
 * been through the gateway).
 */
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { expect } from "vitest";
import type { Gateway } from "../../gateway/app.ts";
import type { Connected } from "../../gateway/testkit/transports.ts";
import { waitFor } from "../../gateway/testkit/wait.ts";
import { deviceEnd } from "../../protocol/endpoints.ts";

/** Connects to `url`; resolves to the client (kept in `clients`, to end them), or to the refusal's CONNACK code. */
export async function attacker(url: string, clients: MqttClient[], o: IClientOptions): Promise<MqttClient | number> {
  try {
    const c = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, ...o });
    clients.push(c);
    return c;
  } catch (e) {
    return (e as { code?: number }).code ?? -1;
  }
}

/** A valid event frame as if from `serial`, of the boot `0bad0bad`. */
export function forgedEvent(serial: string, n: number): string {
  const r = deviceEnd().encode({ t: "event", d: serial, b: "0bad0bad", n, k: "yes", ts: Date.now(), sync: 1 });
  if (!r.ok) throw new Error(r.reason);
  return r.line;
}

/** Events the gateway stored from one boot (after committing what it holds). */
export const storedFromBoot = (gw: Gateway, boot: string): number =>
  (gw.ingest.flush(), gw.store.db.prepare(`SELECT count(*) AS n FROM events WHERE boot = ?`).get(boot) as { n: number }).n;

/** One real press of a terminal, acked. */
export async function pressAcked(d: Connected): Promise<void> {
  d.terminal.press("no");
  await waitFor(`the ack of ${d.terminal.serial}'s press`, () => d.terminal.outbox.size === 0);
}

/** Presses each paired terminal once more and checks the stored events are exactly what each terminal recorded. */
export async function expectOnlyPairedEvents(gw: Gateway, terminals: Connected[]): Promise<void> {
  for (const t of terminals) await pressAcked(t);
  gw.ingest.flush();
  const rows = gw.store.db.prepare(`SELECT serial, count(*) AS n FROM events GROUP BY serial ORDER BY serial`).all() as { serial: string; n: number }[];
  expect(rows).toEqual(terminals.map((t) => ({ serial: t.terminal.serial, n: t.terminal.recorded })).sort((a, b) => a.serial.localeCompare(b.serial)));
}
