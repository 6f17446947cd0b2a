/**
 * The dashboard's push (docs/web.md#dashboard): server-sent events to every open dashboard. `nudge()` is called
 * after an ingest commit and a survey rebuild (app.ts, the alert engine's hooks), after a review saved on the desk
 * or through the API, after the alert engine opened or closed an alert, and after every alert change (acknowledged,
 * commented, closed, a rule added or removed) made on a page or through the API; bursts are pushed once, `settleMs`
 * later, and during a long burst at most once a second (after the first two). What another process writes
 * (`loyalty alerts ack`, `loyalty review`) is seen by SQLite's `PRAGMA data_version`, read every `watchMs` while a
 * dashboard is open: it changes only when another connection commits, and costs a few microseconds
 * (docs/performance.md#dashboard-push). A timer pushes too, for what changes without data (a terminal gone silent).
 * One snapshot per push, rendered once per kind of viewer (may acknowledge alerts or not) and given each viewer's
 * own CSRF token (fragmentsByKind); a viewer whose session has ended gets an `end` event and is closed.
 * A gateway part: nothing runs before start(), and stop() ends every stream so the HTTP server can close.
 */
import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { Config } from "../../config/schema.ts";
import type { Logger } from "../../log.ts";
import type { Store } from "../../store/store.ts";
import { esc } from "../html.ts";
import { may } from "../roles.ts";
import { IDLE_MS } from "../session.ts";
import { liveFragment, type Viewer } from "./render.ts";
import { takeSnapshot, type Snapshot } from "./snapshot.ts";

export interface LiveOptions {
  store: Store;
  config: Config;
  log: Logger;
  now: () => number;
  /** Wait after a nudge, so a burst of commits is one push (default 100 ms). */
  settleMs?: number;
  /** During a burst one push this often (default 1 s); after a quiet spell the first PUSH_BURST wait only `settleMs`. */
  minIntervalMs?: number;
  /** Push at least this often while a dashboard is open (default 15 s). */
  refreshMs?: number;
  /** A comment line this often keeps proxies from closing a quiet stream (default 25 s). */
  keepAliveMs?: number;
  /** Look this often for a commit by another process (`PRAGMA data_version`) while a dashboard is open (default 1 s). */
  watchMs?: number;
}

interface Subscriber {
  raw: ServerResponse;
  tokenSha256: string;
}

/** Who may acknowledge alerts on the dashboard: the alerts permission (expert, installer, admin; roles.ts). */
export function mayAck(roles: readonly string[]): boolean {
  return may(roles, "alerts");
}

/** One server-sent event; every line of `data` gets its own `data:` field. */
export function sseEvent(event: string, data: string): string {
  return `event: ${event}\n${data.split("\n").map((l) => `data: ${l}`).join("\n")}\n\n`;
}

/**
 * One snapshot's fragment for each kind of viewer, rendered once per kind (what differs between viewers of a kind is
 * only the CSRF token): rendered with a random placeholder for the token, which is then replaced by each viewer's
 * own. The placeholder is 32 random hex digits, new each push, so nothing else in the page can contain it.
 */
export function fragmentsByKind(snap: Snapshot): (v: Viewer) => string {
  const placeholder = `csrf-${randomBytes(16).toString("hex")}`;
  const kinds = new Map<boolean, string[]>();
  return (v) => {
    let parts = kinds.get(v.mayAck);
    if (!parts) kinds.set(v.mayAck, (parts = liveFragment(snap, { csrf: placeholder, mayAck: v.mayAck }).text.split(placeholder)));
    return parts.join(esc(v.csrf));
  };
}

/** Pushes that may follow each other at `settleMs` after a quiet spell, before they are one per `minIntervalMs`. */
export const PUSH_BURST = 2;

export class LiveHub {
  private readonly subs = new Set<Subscriber>();
  private settle: NodeJS.Timeout | undefined;
  private timers: NodeJS.Timeout[] = [];
  private running = false;
  /** The push bucket: pushes in hand at `at` (performance.now ms). */
  private bucket = { tokens: PUSH_BURST, at: 0 };

  constructor(private readonly o: LiveOptions) {}

  start(): void {
    this.running = true;
    /* data_version: a number that changes when another connection (another process) commits to the file. */
    const version = this.o.store.db.prepare("PRAGMA data_version").pluck();
    let seen = version.get();
    const watch = () => {
      try {
        const v = version.get();
        if (v !== seen) {
          seen = v;
          this.nudge();
        }
      } catch (err) {
        this.o.log.error({ err }, "cannot read the database's data_version; the 15 s timer still pushes");
      }
    };
    this.timers.push(setInterval(() => this.subs.size && watch(), this.o.watchMs ?? 1000).unref());
    this.timers.push(setInterval(() => this.subs.size && this.push(), this.o.refreshMs ?? 15_000).unref());
    this.timers.push(setInterval(() => this.write(": keep-alive\n\n"), this.o.keepAliveMs ?? 25_000).unref());
  }

  stop(): void {
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    clearTimeout(this.settle);
    this.settle = undefined;
    for (const s of this.subs) s.raw.end();
    this.subs.clear();
  }

  /** Open dashboards right now (for tests and the log). */
  get viewers(): number {
    return this.subs.size;
  }

  /**
   * Something changed: push soon, once for a burst: `settleMs` after the nudge while a push is in hand, else when the
   * next one is. Pushes are a token bucket (`PUSH_BURST` in hand, one more every `minIntervalMs`): after a quiet spell
   * a press and its answer each show at once, and a burst is pushed once a second. Returns at once.
   */
  nudge(): void {
    if (!this.running || this.subs.size === 0 || this.settle !== undefined) return;
    const every = this.o.minIntervalMs ?? 1000;
    const tokens = this.tokens(performance.now());
    const wait = Math.max(this.o.settleMs ?? 100, tokens >= 1 ? 0 : (1 - tokens) * every);
    this.settle = setTimeout(() => {
      this.settle = undefined;
      this.push();
    }, wait);
    this.settle.unref();
  }

  /** Pushes in hand at `t` (0 to PUSH_BURST). */
  private tokens(t: number): number {
    return Math.min(PUSH_BURST, this.bucket.tokens + (t - this.bucket.at) / (this.o.minIntervalMs ?? 1000));
  }

  snapshot(): Snapshot {
    return takeSnapshot(this.o.store, this.o.config, this.o.now());
  }

  /** Takes over `raw` as an event stream for the session `tokenSha256`. */
  subscribe(raw: ServerResponse, tokenSha256: string): void {
    raw.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive", "x-accel-buffering": "no" });
    /* A reconnecting browser waits 2 s, not its default 3. */
    raw.write("retry: 2000\n\n");
    if (!this.running) {
      raw.end();
      return;
    }
    const sub = { raw, tokenSha256 };
    this.subs.add(sub);
    raw.on("close", () => this.subs.delete(sub));
  }

  /** The viewer a session is now, or undefined once it has ended (signed out, expired, idle, user removed). */
  private viewerOf(tokenSha256: string, now: number): Viewer | undefined {
    const s = this.o.store.sessions.get(tokenSha256);
    if (!s || s.expiresMs <= now || s.seenMs + IDLE_MS <= now) return undefined;
    const user = this.o.store.users.byId(s.userId);
    return user && { csrf: s.csrf, mayAck: mayAck(user.roles) };
  }

  private write(text: string): void {
    for (const s of this.subs) s.raw.write(text);
  }

  private push(): void {
    if (this.subs.size === 0) return;
    const t = performance.now();
    this.bucket = { tokens: Math.max(0, this.tokens(t) - 1), at: t };
    try {
      const snap = this.snapshot();
      const byKind = fragmentsByKind(snap);
      for (const s of [...this.subs]) {
        const viewer = this.viewerOf(s.tokenSha256, snap.now);
        if (!viewer) {
          s.raw.end(sseEvent("end", "signed out"));
          this.subs.delete(s);
          continue;
        }
        s.raw.write(sseEvent("live", byKind(viewer)));
      }
    } catch (err) {
      this.o.log.error({ err }, "dashboard push failed; the next data or timer pushes again");
    }
  }
}
