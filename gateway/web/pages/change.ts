/**
 * A change made from a page's form (docs/web.md#audit): who makes it (the signed-in user, via "web"), the audit
 * entry, and the page drawn again with the result or the error in words and the status it means, never a stack.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { GatewayError } from "../../errors.ts";
import type { Actor } from "../../store/audit.ts";
import type { Store } from "../../store/store.ts";
import { errorWords } from "../error-words.ts";

export interface Outcome {
  ok: boolean;
  text: string;
}

const STATUS: Record<string, number> = { invalid: 400, forbidden: 403, not_found: 404, conflict: 409 };

/** The signed-in user as the audit records them; the page's gate has made sure there is one. */
export function webActor(req: FastifyRequest): Actor {
  return { by: req.auth!.user.login, userId: req.auth!.user.id, via: "web" };
}

/** Records a page's change in the audit log under the signed-in user. */
export function audit(store: Pick<Store, "audit">, req: FastifyRequest, now: number, e: { action: string; subject: string; detail?: string | null }): void {
  store.audit.add({ ...webActor(req), atMs: now, action: e.action, subject: e.subject, detail: e.detail ?? null });
}

/**
 * Runs `fn`; on success draws the page with its words (200), on a GatewayError with the error's words in Russian
 * (error-words.ts) and its status. Anything else is a bug and goes to the server's error handler.
 */
export async function runChange(reply: FastifyReply, show: (code: number, msg: Outcome) => string, fn: () => string | Promise<string>): Promise<FastifyReply> {
  let code = 200;
  let msg: Outcome;
  try {
    msg = { ok: true, text: await fn() };
  } catch (e) {
    if (!(e instanceof GatewayError)) throw e;
    code = STATUS[e.code] ?? 400;
    msg = { ok: false, text: errorWords(e) };
  }
  return reply.code(code).type("text/html; charset=utf-8").send(show(code, msg));
}

/** A form's number typed the Russian way or the English way ("2,5" or "2.5"), or undefined when it is none. */
export function formNumber(text: string | undefined): number | undefined {
  const t = (text ?? "").trim().replace(",", ".").replace("−", "-");
  if (!/^-?\d+(\.\d+)?$/.test(t)) return undefined;
  return Number(t);
}
