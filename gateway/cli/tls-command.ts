/**
 * `loyalty tls`: the embedded broker's TLS certificate, for the installer to compare with what the gateway printed
 * at start and to copy to other MQTT clients (docs/installer.md "TLS"). Generates it when the gateway has not yet.
 */
import { X509Certificate } from "node:crypto";
import type { Command } from "commander";
import { brokerCertificate } from "../ingest/broker-cert.ts";
import type { CliIo } from "./io.ts";
import { configFrom, withDbFlags, type DbFlags } from "./open.ts";

export function registerTls(program: Command, io: CliIo): void {
  withDbFlags(program.command("tls").description("the embedded MQTT broker's TLS certificate: SHA-256 fingerprint, names, validity (--pem: the certificate)"))
    .option("--pem", "print the certificate (PEM) only")
    .action(async (f: DbFlags & { pem?: boolean }) => {
      const config = configFrom(f);
      const e = config.mqtt.embedded;
      if (config.mqtt.url !== undefined || !e.enabled) {
        io.out(`The gateway uses the broker at ${config.mqtt.url ?? "(none)"}, not its embedded one: its TLS is that broker's (docs/operations.md "Mosquitto").\n`);
        return;
      }
      if (!e.tls.enabled) {
        io.out(`The TLS listener is off: the embedded broker listens on ${e.host} (loopback). Set mqtt.embedded.tls.enabled (or LOYALTY_MQTT_TLS=true), or a LAN host, to turn it on.\n`);
        return;
      }
      const c = await brokerCertificate(e.tls, config.database);
      if (f.pem) {
        io.out(c.cert);
        return;
      }
      const x = new X509Certificate(c.cert);
      io.out(
        `MQTT over TLS: mqtts://${e.host}:${e.tls.port}${e.plain ? ` (plain mqtt://${e.host}:${e.port} is on too)` : " (the plain listener is off)"}\n` +
          `Certificate: ${c.certPath}${c.created ? " (generated now)" : ""}\n` +
          `SHA-256 fingerprint: ${c.fingerprint}\n` +
          `Names: ${x.subjectAltName ?? "-"}\n` +
          `Valid: ${new Date(x.validFrom).toISOString().slice(0, 10)} to ${new Date(x.validTo).toISOString().slice(0, 10)}\n`,
      );
    });
}
