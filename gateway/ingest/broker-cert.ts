/**
 * The embedded broker's TLS certificate (docs/operations.md "TLS"): the files named in config
 * (`mqtt.embedded.tls.cert` and `key`), or a self-signed one generated at first start next to the database and kept
 * across restarts. Its SHA-256 fingerprint is what the installer compares (`loyalty tls`, the gateway's start line).
 *
 * The key is RSA: Espruino 2v29's TLS (mbed TLS 2.1 as its libs/crypto/mbedtls/config.h builds it) offers only the
 * RSA and DHE-RSA key exchanges, so an EC certificate could not be used by any board.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, networkInterfaces } from "node:os";
import { isIP } from "node:net";
import { dirname, join } from "node:path";
import { generate } from "selfsigned";
import { GatewayError } from "../errors.ts";

export interface BrokerCertificate {
  cert: string;
  key: string;
  /** Where the certificate is (the PEM an installer copies, `loyalty flash` writes onto a board). */
  certPath: string;
  /** SHA-256 of the DER certificate, `AB:CD:...` as `openssl x509 -fingerprint -sha256` prints it. */
  fingerprint: string;
  /** Whether it was generated now (first start). */
  created: boolean;
}

/** Where a generated certificate and key are kept: beside the database. */
export const generatedPaths = (database: string) => ({ cert: join(dirname(database), "mqtt-tls.crt"), key: join(dirname(database), "mqtt-tls.key") });

/* A wildcard bind address (0.0.0.0, ::) is no address a device can reach: the machine's own addresses stand for it. */
const isWildcard = (address: string) => isIP(address) !== 0 && /^[0:.]+$/.test(address);

/**
 * The names a device may reach the gateway by: `localhost`, the host name, and every address of every interface.
 * An address is never a DNS name (it goes among the IP addresses), and a wildcard address is left out of both.
 */
export function altNames(host: string, interfaces: ReturnType<typeof networkInterfaces>): { dns: string[]; ips: string[] } {
  const dns = [...new Set(["localhost", host].filter((n) => n && /^[A-Za-z0-9.-]+$/.test(n) && isIP(n) === 0))];
  const ips = new Set(["127.0.0.1"]);
  if (isIP(host) !== 0 && !isWildcard(host)) ips.add(host);
  for (const list of Object.values(interfaces)) for (const a of list ?? []) if (!a.address.startsWith("fe80") && !isWildcard(a.address)) ips.add(a.address);
  return { dns, ips: [...ips] };
}

/** The SHA-256 fingerprint of a PEM certificate; a GatewayError naming `where` when it is not one. */
export function fingerprintOf(pem: string, where: string): string {
  try {
    return new X509Certificate(pem).fingerprint256;
  } catch (e) {
    throw new GatewayError("config", `${where}: not a PEM certificate (${(e as Error).message})`);
  }
}

function readPem(path: string, what: string, setting: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message;
    throw new GatewayError("config", `${setting} ${path}: cannot read the ${what}: ${why}`);
  }
}

/** The configured certificate and key, checked to belong together. */
export function loadCertificate(certPath: string, keyPath: string): BrokerCertificate {
  const cert = readPem(certPath, "certificate", "mqtt.embedded.tls.cert");
  const key = readPem(keyPath, "private key", "mqtt.embedded.tls.key");
  const fingerprint = fingerprintOf(cert, `mqtt.embedded.tls.cert ${certPath}`);
  try {
    if (!new X509Certificate(cert).checkPrivateKey(createKey(key))) throw new Error("it is not the certificate's key");
  } catch (e) {
    throw new GatewayError("config", `mqtt.embedded.tls.key ${keyPath}: ${(e as Error).message.replace(/^error:\w+:/, "")}`);
  }
  return { cert, key, certPath, fingerprint, created: false };
}

/* A malformed key gives a worded error, as a mismatched one does. */
const createKey = (pem: string) => {
  try {
    return createPrivateKey(pem);
  } catch {
    throw new Error("not a PEM private key");
  }
};

/**
 * The certificate kept beside `database`, generated when there is none yet: self-signed, RSA 2048, SHA-256, valid
 * ten years (a terminal cannot renew what it was flashed with), its subjectAltName the gateway's names now.
 */
export async function generatedCertificate(database: string): Promise<BrokerCertificate> {
  const p = generatedPaths(database);
  if (existsSync(p.cert) && existsSync(p.key)) return loadCertificate(p.cert, p.key);
  const names = altNames(hostname(), networkInterfaces());
  const now = new Date();
  const pems = await generate([{ name: "commonName", value: `loyalty gateway ${hostname()}` }], {
    keyType: "rsa",
    keySize: 2048,
    algorithm: "sha256",
    notBeforeDate: new Date(now.getTime() - 86_400_000),
    notAfterDate: new Date(now.getTime() + 10 * 365 * 86_400_000),
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [...names.dns.map((value) => ({ type: 2 as const, value })), ...names.ips.map((ip) => ({ type: 7 as const, ip }))] },
    ],
  });
  mkdirSync(dirname(p.cert), { recursive: true });
  writeFileSync(p.key, pems.private, { mode: 0o600 });
  chmodSync(p.key, 0o600);
  writeFileSync(p.cert, pems.cert);
  return { cert: pems.cert, key: pems.private, certPath: p.cert, fingerprint: fingerprintOf(pems.cert, p.cert), created: true };
}

/** The broker's certificate as config says: the configured files, else the generated one. */
export function brokerCertificate(tls: { cert?: string | undefined; key?: string | undefined }, database: string): Promise<BrokerCertificate> {
  if (tls.cert !== undefined && tls.key !== undefined) return Promise.resolve(loadCertificate(tls.cert, tls.key));
  return generatedCertificate(database);
}
