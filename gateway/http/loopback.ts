/**
 * Loopback by the address itself, never by its spelling (issue 15: `127.0.0.1.nip.io` starts with `127.` and is
 * a public name). An address is loopback when node:net parses it as an IP literal inside 127.0.0.0/8 or ::1,
 * including IPv4-mapped IPv6 (`::ffff:127.0.0.1`, `::ffff:7f00:1`). Names are not resolved here.
 */
import { BlockList, isIP } from "node:net";

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** Names that mean this machine in a Host header and in `http.host` (the system resolver maps them to loopback). */
export const LOOPBACK_NAMES: readonly string[] = ["localhost", "localhost."];

/** True when `text` is an IP literal in 127.0.0.0/8, ::1 or ::ffff:127.x (brackets and an IPv6 zone allowed). */
export function isLoopbackIp(text: string | undefined): boolean {
  if (text === undefined) return false;
  const ip = text.replace(/^\[(.*)\]$/, "$1").replace(/%.*$/, "");
  const v = isIP(ip);
  if (v === 0) return false;
  return LOOPBACK.check(ip, v === 4 ? "ipv4" : "ipv6");
}

/** A loopback IP literal or `localhost`: what `http.host` may be without a token. */
export function isLoopbackHost(host: string): boolean {
  return isLoopbackIp(host) || LOOPBACK_NAMES.includes(host.toLowerCase());
}

/**
 * The host name of a Host header or an Origin's authority, lower-cased, without the port and IPv6 brackets;
 * undefined when it is not a host[:port] at all.
 */
export function hostnameOf(authority: string): string | undefined {
  const m = /^(\[[0-9a-fA-F:.%a-zA-Z]+\]|[^:[\]/\s@]+)(?::(\d{1,5}))?$/.exec(authority.trim());
  if (!m) return undefined;
  return m[1]!.replace(/^\[(.*)\]$/, "$1").toLowerCase();
}
