/** Devices the gateway has heard from: identity from `hello`, health from `status`, and where it was last seen. */
import type { HelloMsg, StatusMsg } from "../../protocol/schemas.ts";
import type { Db } from "./db.ts";

export interface DeviceRow {
  serial: string;
  role: string | null;
  fw: string | null;
  pv: string | null;
  caps: string[];
  firstSeenMs: number;
  lastSeenMs: number;
  link: string | null;
  boot: string | null;
  uptimeMs: number | null;
  outbox: number | null;
  dropped: number | null;
  mem: number | null;
  vcc: number | null;
  deviceClockMs: number | null;
  statusMs: number | null;
}

const COLUMNS = `serial, role, fw, pv, caps, first_seen_ms AS firstSeenMs, last_seen_ms AS lastSeenMs, link, boot,
  uptime_ms AS uptimeMs, outbox, dropped, mem, vcc, device_clock_ms AS deviceClockMs, status_ms AS statusMs`;

export function devicesRepo(db: Db) {
  const hello = db.prepare(
    `INSERT INTO devices (serial, role, fw, pv, caps, first_seen_ms, last_seen_ms, link, boot, uptime_ms)
     VALUES (@serial, @role, @fw, @pv, @caps, @now, @now, @link, @boot, @up)
     ON CONFLICT (serial) DO UPDATE SET role = excluded.role, fw = excluded.fw, pv = excluded.pv, caps = excluded.caps,
       last_seen_ms = excluded.last_seen_ms, link = excluded.link, boot = excluded.boot, uptime_ms = excluded.uptime_ms`,
  );
  const seen = db.prepare(
    `INSERT INTO devices (serial, first_seen_ms, last_seen_ms, link) VALUES (?, ?, ?, ?)
     ON CONFLICT (serial) DO UPDATE SET last_seen_ms = excluded.last_seen_ms, link = excluded.link`,
  );
  const status = db.prepare(
    `UPDATE devices SET last_seen_ms = @now, link = @link, boot = @boot, uptime_ms = @up, outbox = @q, dropped = @drop,
       mem = @mem, vcc = @vcc, device_clock_ms = @clk, status_ms = @now WHERE serial = @serial`,
  );
  const one = db.prepare(`SELECT ${COLUMNS} FROM devices WHERE serial = ?`);
  const all = db.prepare(`SELECT ${COLUMNS} FROM devices ORDER BY serial`);
  const row = (r: unknown): DeviceRow => {
    const d = r as DeviceRow & { caps: string };
    return { ...d, caps: JSON.parse(d.caps) as string[] };
  };
  return {
    hello(m: HelloMsg, link: string, now: number): void {
      hello.run({ serial: m.d, role: m.role, fw: m.fw, pv: m.pv, caps: JSON.stringify(m.cap), now, link, boot: m.b, up: m.up });
    },
    /** Any valid frame: the device exists and was heard now on `link`. */
    seen(serial: string, link: string, now: number): void {
      seen.run(serial, now, now, link);
    },
    status(m: StatusMsg, link: string, now: number): void {
      this.seen(m.d, link, now);
      status.run({ serial: m.d, now, link, boot: m.b, up: m.up, q: m.q, drop: m.drop, mem: m.mem ?? null, vcc: m.vcc ?? null, clk: m.clk ?? null });
    },
    get(serial: string): DeviceRow | undefined {
      const r = one.get(serial);
      return r ? row(r) : undefined;
    },
    all(): DeviceRow[] {
      return all.all().map(row);
    },
  };
}
