/**
 * The review desk at `/review` (docs/web.md#review-desk): every role reads it; an expert marks surveys, confirms,
 * rejects and corrects force-majeure periods and undoes their last review, through gateway/review/actions.ts (the
 * functions the CLI and the API use), audited under the signed-in user with via=web. An htmx request gets #desk back
 * (the figures follow the review at once); a plain form post gets the whole page. Errors come back in words on the
 * desk, with the status they mean, and change nothing.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Config } from "../../config/schema.ts";
import { GatewayError } from "../../errors.ts";
import { MAX_FM_MS, reviewPeriod, reviewSurvey, undoReview, type Reviewer } from "../../review/actions.ts";
import { localSeconds } from "../../review/words.ts";
import type { Store } from "../../store/store.ts";
import { parseTime } from "../../time/zone.ts";
import { actorOf } from "../auth.ts";
import { html } from "../html.ts";
import { page } from "../layout.ts";
import { may } from "../roles.ts";
import { errorWords } from "../error-words.ts";
import { gate } from "./gate.ts";
import { deskData, zoneOf } from "./review-desk-data.ts";
import { desk, filterForm, type DeskMessage } from "./review-desk-view.ts";
import { parseFilter } from "./review-filter.ts";

const text = (max: number) => z.string().max(max).optional();
const surveyBody = z.object({ valid: z.enum(["true", "false"]), reason: text(500), q: text(2000), _csrf: text(200) });
const periodBody = z.object({ status: z.enum(["confirmed", "rejected"]), end: text(40), q: text(2000), _csrf: text(200) });
const undoBody = z.object({ review: z.string().regex(/^\d{1,15}$/), q: text(2000), _csrf: text(200) });

/** A refusal in words with its HTTP status. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function idOf(req: FastifyRequest): number {
  const raw = (req.params as { id: string }).id;
  const n = Number(raw);
  if (!/^\d{1,15}$/.test(raw) || n <= 0) throw new Refusal(400, `Номер «${raw}» не разобран: нужно целое положительное число.`);
  return n;
}

function body<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw new Refusal(400, `Форма ${what} не разобрана: обновите страницу и повторите.`);
  return r.data;
}

/** `reviewed` is called after a review is saved (the dashboard's push and the alert engine, app.ts). */
export function reviewDeskRoutes(app: FastifyInstance, o: { store: Store; config: Config; now: () => number; reviewed?: (() => void) | undefined }): void {
  const { store, config, now } = o;

  /* The desk for `query` with an optional message; the fragment for htmx, else the whole page. */
  const show = (req: FastifyRequest, reply: FastifyReply, status: number, query: unknown, msg?: DeskMessage) => {
    const auth = req.auth!;
    const parsed = parseFilter(query, config.timeZone, now());
    const data = deskData(store, config, parsed.filter, auth.user.id, now());
    const m = parsed.ok ? msg : { ok: false, text: parsed.error };
    const code = parsed.ok ? status : 400;
    const part = desk(data, may(auth.user.roles, "review") ? auth.csrf : null, m);
    reply.code(code).type("text/html; charset=utf-8");
    if (req.headers["hx-request"] === "true") return reply.send(part.text);
    const body = html`<h1>Проверка</h1>${filterForm(data)}${part}<script src="/assets/review-desk.js" defer></script>`;
    return reply.send(page({ title: "Проверка", auth, store, active: "/review", body }));
  };

  /* Runs a review; its message or its refusal goes back onto the desk with the filter the form carried. */
  const act = (req: FastifyRequest, reply: FastifyReply, fn: (who: Reviewer) => string) => {
    const q = Object.fromEntries(new URLSearchParams(String((req.body as { q?: unknown } | undefined)?.q ?? "")));
    try {
      const who: Reviewer = { ...actorOf(req, "review", undefined), now: now() };
      const text = fn(who);
      o.reviewed?.();
      return show(req, reply, 200, q, { ok: true, text });
    } catch (e) {
      if (e instanceof Refusal) return show(req, reply, e.status, q, { ok: false, text: e.message });
      if (e instanceof GatewayError) {
        const status = e.code === "not_found" ? 404 : e.code === "conflict" ? 409 : e.code === "forbidden" ? 403 : 400;
        return show(req, reply, status, q, { ok: false, text: `Не сохранено: ${errorWords(e)}` });
      }
      throw e;
    }
  };

  app.get("/review", { config: { web: true }, preHandler: gate(store, "read") }, async (req, reply) => show(req, reply, 200, req.query));

  const opts = { config: { web: true }, preHandler: gate(store, "review") };
  app.post("/review/surveys/:id", opts, async (req, reply) =>
    act(req, reply, (who) => {
      const id = idOf(req);
      const b = body(surveyBody, req.body, "опроса");
      if (!store.derived.survey(id)) throw new Refusal(404, `Опроса № ${id} нет: возможно, его пересчитали после поздних нажатий — обновите страницу.`);
      const valid = b.valid === "true";
      const reason = b.reason?.trim() ?? "";
      if (!valid && reason === "") throw new Refusal(400, `Чтобы не учитывать опрос № ${id}, укажите причину.`);
      const logId = reviewSurvey(store, id, valid, valid ? null : reason, who);
      if (logId === null) return `Опрос № ${id} уже ${valid ? "учитывается" : `не учитывается: ${reason}`}; ничего не изменилось.`;
      return valid ? `Опрос № ${id} снова учитывается.` : `Опрос № ${id} не учитывается: ${reason}.`;
    }),
  );

  app.post("/review/periods/:id", opts, async (req, reply) =>
    act(req, reply, (who) => {
      const id = idOf(req);
      const b = body(periodBody, req.body, "периода");
      const p = store.derived.period(id);
      if (!p) throw new Refusal(404, `Периода № ${id} нет: возможно, его пересчитали после поздних нажатий — обновите страницу.`);
      const tz = zoneOf(store, p.terminalId, config.timeZone);
      let end: number | null = null;
      if (b.end !== undefined) {
        const t = parseTime(b.end, tz, now());
        if (t === undefined) throw new Refusal(400, `Конец «${b.end}» не разобран: нужно ГГГГ-ММ-ДД ЧЧ:ММ или ГГГГ-ММ-ДД ЧЧ:ММ:СС по времени магазина.`);
        if (t <= p.start || t - p.start > MAX_FM_MS) throw new Refusal(400, `Конец ${localSeconds(t, tz)} не подходит: он должен быть позже начала периода (${localSeconds(p.start, tz)}) и не дальше ${MAX_FM_MS / 3_600_000} ч от него.`);
        end = t;
      }
      const logId = reviewPeriod(store, id, b.status, end, null, who);
      const what = `${b.status === "confirmed" ? "подтверждён" : "отклонён"}${end !== null ? `, конец ${localSeconds(end, tz)}` : ""}`;
      return logId === null ? `Период № ${id} уже ${what}; ничего не изменилось.` : `Период № ${id} ${what}.`;
    }),
  );

  app.post("/review/undo", opts, async (req, reply) =>
    act(req, reply, (who) => {
      const b = body(undoBody, req.body, "отмены");
      const id = Number(b.review);
      const e = store.reviews.entry(id);
      if (!e || e.userId !== req.auth!.user.id) throw new Refusal(404, `Проверки № ${id} среди ваших нет: здесь отменяются только свои проверки.`);
      if (e.undoneBy !== null) throw new Refusal(409, `Проверка № ${id} уже отменена (запись ${e.undoneBy}).`);
      if (e.undoes !== null) throw new Refusal(409, `Запись № ${id} сама отмена: проверьте опрос или период заново.`);
      try {
        undoReview(store, id, who);
      } catch (err) {
        if (err instanceof GatewayError && err.code === "conflict") throw new Refusal(409, `Проверку № ${id} отменить нельзя: после неё тот же ${e.target === "fm" ? "период" : "опрос"} проверили снова — сначала отмените более позднюю проверку.`);
        throw err;
      }
      return `Проверка № ${id} отменена.`;
    }),
  );
}
