/** The pure parts of the broker's certificate (gateway/ingest/broker-cert.ts): the names it is issued for, and a worded error for a file that is no certificate. */
import { describe, expect, it } from "vitest";
import { altNames, fingerprintOf } from "../../gateway/ingest/broker-cert.ts";

const iface = (address: string, family: "IPv4" | "IPv6") => ({ address, family, netmask: "", mac: "00:00:00:00:00:00", internal: false, cidr: null }) as never;

describe("the broker certificate's names", () => {
  it.each([
    ["gw-shop", { eth0: [iface("192.168.1.10", "IPv4"), iface("fe80::1", "IPv6")], lo: [iface("127.0.0.1", "IPv4")] }, { dns: ["localhost", "gw-shop"], ips: ["127.0.0.1", "192.168.1.10"] }],
    ["localhost", { wlan0: [iface("10.0.0.5", "IPv4"), iface("fd00::2", "IPv6")] }, { dns: ["localhost"], ips: ["127.0.0.1", "10.0.0.5", "fd00::2"] }],
    ["bad name!", {}, { dns: ["localhost"], ips: ["127.0.0.1"] }],
    /* A wildcard bind address reaches nothing: the interfaces' own addresses are the names, never DNS:0.0.0.0. */
    ["0.0.0.0", { eth0: [iface("192.168.1.10", "IPv4"), iface("0.0.0.0", "IPv4"), iface("::", "IPv6")] }, { dns: ["localhost"], ips: ["127.0.0.1", "192.168.1.10"] }],
    ["::", { eth0: [iface("10.1.2.3", "IPv4")] }, { dns: ["localhost"], ips: ["127.0.0.1", "10.1.2.3"] }],
    /* An address given as the host is an IP name, not a DNS one. */
    ["192.168.7.7", {}, { dns: ["localhost"], ips: ["127.0.0.1", "192.168.7.7"] }],
  ])("host %s", (host, interfaces, expected) => expect(altNames(host, interfaces)).toEqual(expected));

  it("names the file that is no certificate", () => {
    expect(() => fingerprintOf("hello", "mqtt.embedded.tls.cert /etc/x.crt")).toThrow(/^mqtt\.embedded\.tls\.cert \/etc\/x\.crt: not a PEM certificate/);
  });
});
