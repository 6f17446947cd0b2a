/** Whether anything listens at a broker's address, so a tool can say "no gateway" instead of retrying in silence. */
import { connect } from "node:net";

/** How long an address that neither answers nor refuses may take before it counts as unreachable. */
const PROBE_TIMEOUT_MS = 3000;

/** Resolves to undefined when a TCP connection to the URL's host and port opens, else to why not (`ECONNREFUSED`, `timeout`, ...). */
export function probeBroker(url: string): Promise<string | undefined> {
  const u = new URL(url);
  const port = Number(u.port || (u.protocol === "mqtts:" || u.protocol === "tls:" ? 8883 : 1883));
  return new Promise((resolve) => {
    const socket = connect({ host: u.hostname, port });
    const done = (why: string | undefined) => {
      socket.destroy();
      resolve(why);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done("timeout"));
    socket.once("connect", () => done(undefined));
    socket.once("error", (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}
