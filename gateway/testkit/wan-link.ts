/**
 * A WAN link between a store gateway and the hub's broker, for tests: a TCP proxy on a free loopback port that the
 * store's `hub.url` points to, which can cut the link one way or both ways and restore it.
 *
 * A cut is what a WAN cut looks like to TCP: the connections stay open, no FIN and no RST arrive, bytes just stop
 * passing. Bytes (and a close) sent across a cut are held and delivered when the link is restored, as TCP
 * retransmits them then. A connection opened during any cut reaches the broker only when the link is restored,
 * as no TCP handshake passes a cut either way; one its client gave up meanwhile never reaches it.
 */
import { createServer, connect, type Server, type Socket } from "node:net";

/** `up`: store → hub (batches, pings); `down`: hub → store (acks, ping answers). */
export type WanDirection = "up" | "down";

export interface WanLink {
  /** mqtt://127.0.0.1:<port>, for the store's hub.url. */
  url: string;
  port: number;
  /** Stops passing bytes in these directions (both when none is given) until `restore`. */
  cut(...directions: WanDirection[]): void;
  restore(): void;
  /** Connections the store opened through the link so far (a reconnect opens a new one). */
  readonly accepted: number;
  /** Bytes passed so far, store → hub and hub → store. */
  readonly bytes: { up: number; down: number };
  close(): Promise<void>;
}

/** One direction of one connection: bytes to pass, or held while the direction is cut. */
class Flow {
  private held: Buffer[] = [];
  private ended: "end" | "reset" | undefined;
  to: Socket | undefined;

  constructor(
    private readonly isCut: () => boolean,
    private readonly count: (n: number) => void,
  ) {}

  data(d: Buffer): void {
    if (this.isCut() || !this.to) this.held.push(d);
    else this.write(d);
  }

  end(how: "end" | "reset"): void {
    this.ended ??= how;
    if (!this.isCut() && this.to) this.finish();
  }

  get gaveUp(): boolean {
    return this.ended !== undefined;
  }

  /** Passes what was held, and the close if one came. */
  flush(): void {
    if (!this.to || this.isCut()) return;
    for (const d of this.held) this.write(d);
    this.held = [];
    if (this.ended) this.finish();
  }

  private write(d: Buffer): void {
    if (!this.to || this.to.destroyed || !this.to.writable) return;
    this.count(d.length);
    this.to.write(d);
  }

  private finish(): void {
    if (!this.to || this.to.destroyed) return;
    if (this.ended === "reset") this.to.destroy();
    else this.to.end();
  }
}

interface Conn {
  client: Socket;
  upstream: Socket | undefined;
  up: Flow;
  down: Flow;
}

export async function startWanLink(target: { host: string; port: number }): Promise<WanLink> {
  const cut = { up: false, down: false };
  const bytes = { up: 0, down: 0 };
  let accepted = 0;
  const conns = new Set<Conn>();
  const anyCut = () => cut.up || cut.down;

  const attach = (c: Conn) => {
    const u = connect(target.port, target.host);
    c.upstream = u;
    u.setNoDelay(true);
    c.up.to = u;
    u.on("data", (d: Buffer) => c.down.data(d));
    u.on("end", () => c.down.end("end"));
    u.on("error", () => c.down.end("reset"));
    u.on("close", () => {
      c.down.end("end");
      if (c.client.destroyed) conns.delete(c);
    });
    u.once("connect", () => c.up.flush());
  };

  const server: Server = createServer((client) => {
    accepted++;
    client.setNoDelay(true);
    const c: Conn = { client, upstream: undefined, up: new Flow(() => cut.up, (n) => (bytes.up += n)), down: new Flow(() => cut.down, (n) => (bytes.down += n)) };
    c.down.to = client;
    conns.add(c);
    client.on("data", (d: Buffer) => c.up.data(d));
    client.on("end", () => c.up.end("end"));
    client.on("error", () => c.up.end("reset"));
    client.on("close", () => {
      c.up.end("end");
      if (!c.upstream) conns.delete(c);
      else if (c.upstream.destroyed) conns.delete(c);
    });
    if (!anyCut()) attach(c);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;

  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    get accepted() {
      return accepted;
    },
    bytes,
    cut(...directions: WanDirection[]) {
      const which = directions.length ? directions : (["up", "down"] as const);
      cut.up = which.includes("up");
      cut.down = which.includes("down");
      /* A direction open again passes what it held. */
      for (const c of conns) {
        if (!c.upstream) continue;
        c.up.flush();
        c.down.flush();
      }
    },
    restore() {
      cut.up = false;
      cut.down = false;
      for (const c of conns) {
        if (!c.upstream) {
          /* Opened during the cut: its handshake passes now, unless its client gave up waiting. */
          if (c.up.gaveUp) {
            c.client.destroy();
            conns.delete(c);
            continue;
          }
          attach(c);
        } else c.up.flush();
        c.down.flush();
      }
    },
    close: async () => {
      for (const c of conns) {
        c.client.destroy();
        c.upstream?.destroy();
      }
      conns.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
