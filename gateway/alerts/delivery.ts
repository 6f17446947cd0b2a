/**
 * Sends alerts and scheduled reports (docs/alerts.md#delivery): e-mail through the configured SMTP server
 * (nodemailer), and a webhook (HTTP POST of JSON) with a timeout and retries with doubling waits. Every attempt is
 * written to the delivery log. Sending never blocks the caller: `send` queues and returns, and a failure is logged,
 * never thrown.
 */
import nodemailer, { type Transporter } from "nodemailer";
import type { Config } from "../config/schema.ts";
import type { Logger } from "../log.ts";
import type { Store } from "../store/store.ts";

export interface Mail {
  to: string[];
  subject: string;
  text: string;
  attachments?: { filename: string; content: string; contentType: string }[];
}

export interface Outgoing {
  /** The alert it is about (null: a scheduled report). */
  alertId: number | null;
  /** `opened`, `closed`, `report:daily`… */
  what: string;
  mail?: Mail;
  webhook?: { url: string; body: unknown };
}

export interface DeliveryOptions {
  store: Pick<Store, "alerts">;
  smtp: Config["smtp"];
  webhook: Config["alerts"]["webhook"];
  log: Logger;
  now: () => number;
}

export class Delivery {
  private readonly pending = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private transport: Transporter | undefined;

  constructor(private readonly o: DeliveryOptions) {}

  /** Queues `out`; resolves nothing to the caller, who goes on at once. */
  send(out: Outgoing): void {
    const jobs: Promise<void>[] = [];
    if (out.mail && out.mail.to.length) jobs.push(this.mail(out, out.mail));
    if (out.webhook) jobs.push(this.post(out, out.webhook.url, out.webhook.body));
    for (const j of jobs) {
      const p = j.catch((err) => this.o.log.error({ err }, "delivery failed unexpectedly")).finally(() => this.pending.delete(p));
      this.pending.add(p);
    }
  }

  /** Resolves when everything queued so far has been sent or given up (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /** Stops waiting between retries and cancels requests in flight; what is left is logged as not delivered. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.idle();
    this.transport?.close();
  }

  private log(out: Outgoing, channel: "email" | "webhook", target: string, attempt: number, ok: boolean, detail: string | null): void {
    try {
      this.o.store.alerts.logDelivery({ alertId: out.alertId, what: out.what, channel, target, attempt, atMs: this.o.now(), ok, detail });
    } catch (err) {
      /* The store is closed when the gateway stopped mid-delivery. */
      this.o.log.warn({ err, target }, "the delivery log could not be written");
    }
  }

  private async mail(out: Outgoing, m: Mail): Promise<void> {
    const target = m.to.join(", ");
    const s = this.o.smtp;
    if (!s.host) {
      this.log(out, "email", target, 1, false, "smtp.host is not configured: no e-mail is sent");
      return;
    }
    this.transport ??= nodemailer.createTransport({
      host: s.host,
      port: s.port,
      secure: s.secure,
      ...(s.user ? { auth: { user: s.user, pass: s.pass ?? "" } } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    try {
      const info = await this.transport.sendMail({ from: s.from, to: m.to, subject: m.subject, text: m.text, attachments: m.attachments });
      this.log(out, "email", target, 1, true, info.response ?? null);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      this.o.log.warn({ to: target, err: msg }, "e-mail not sent");
      this.log(out, "email", target, 1, false, msg);
    }
  }

  private async post(out: Outgoing, url: string, body: unknown): Promise<void> {
    const w = this.o.webhook;
    let wait = w.backoffMs;
    for (let attempt = 1; attempt <= w.retries + 1; attempt++) {
      if (this.abort.signal.aborted) {
        this.log(out, "webhook", url, attempt, false, "the gateway stopped before this attempt");
        return;
      }
      let detail: string;
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json; charset=utf-8", "user-agent": "loyalty-gateway" },
          body: JSON.stringify(body),
          signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(w.timeoutMs)]),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          this.log(out, "webhook", url, attempt, true, `HTTP ${res.status}`);
          return;
        }
        detail = `HTTP ${res.status}`;
      } catch (err) {
        const e = err as Error & { cause?: { code?: string; message?: string } };
        detail = e.name === "TimeoutError" ? `no answer within ${w.timeoutMs} ms` : e.cause?.code ?? e.cause?.message ?? e.message;
      }
      const last = attempt > w.retries;
      this.log(out, "webhook", url, attempt, false, last ? `${detail}; gave up` : `${detail}; next attempt in ${wait} ms`);
      if (last) {
        this.o.log.warn({ url, attempts: attempt, detail }, "webhook not delivered; gave up");
        return;
      }
      await this.sleep(wait);
      wait *= 2;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const signal = this.abort.signal;
      function done() {
        clearTimeout(t);
        signal.removeEventListener("abort", done);
        resolve();
      }
      signal.addEventListener("abort", done);
    });
  }
}
