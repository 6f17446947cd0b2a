/**
 * The terminals page (docs/web.md#terminals): every role reads it; only the installer identifies, pairs, unpairs,
 * replaces and changes settings, through gateway/terminals/manage.ts as `loyalty pair` and `loyalty terminals` do.
 * Each change is audited under the signed-in user (settings history `set_by` and audit_log), carries the CSRF token
 * (routes.ts checks it) and answers with the page and the result or the error in words.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../../config/schema.ts";
import { GatewayError } from "../../errors.ts";
import { dateTime, NBSP } from "../../format/ru.ts";
import { parse } from "../../http/schemas.ts";
import { IDENTIFY_SECONDS } from "../../installer/constants.ts";
import type { Store } from "../../store/store.ts";
import { terminalsBoard } from "../../terminals/board.ts";
import { terminalDefaults, settingsOf } from "../../terminals/config.ts";
import { assignEmployee, identify, needsReflash, pair, replace, setQuestion, setSetting, unpair } from "../../terminals/manage.ts";
import { terminalZone } from "../../terminals/stores.ts";
import { page } from "../layout.ts";
import { may } from "../roles.ts";
import { audit, runChange, type Outcome } from "./change.ts";
import { gate } from "./gate.ts";
import { keptOf } from "./kept.ts";
import {
  effectiveTime,
  employeeName,
  employeeForm,
  identifyForm,
  idPart,
  inUnit,
  pairForm,
  QUESTION_TITLE,
  questionForm,
  questionKind,
  replaceForm,
  TIMING_FIELDS,
  timingForm,
  timingValue,
  unpairForm,
} from "./terminal-forms.ts";
import { terminalsBody } from "./terminals-view.ts";

export function terminalsRoutes(app: FastifyInstance, o: { store: Store; config: Config; now: () => number }): void {
  const { store, config, now } = o;
  const defaults = terminalDefaults(config);
  const change = { config: { web: true }, preHandler: gate(store, "terminals") };
  const draw = (req: FastifyRequest, code: number, msg?: Outcome) =>
    page({
      title: "Терминалы",
      auth: req.auth,
      store,
      active: "/terminals",
      body: terminalsBody({ board: terminalsBoard(store, defaults, config.timeZone, now()), zone: config.timeZone, csrf: req.auth!.csrf, canChange: may(req.auth!.user.roles, "terminals"), msg, kept: msg?.ok === false ? keptOf(req) : undefined }),
    });
  const run = (req: FastifyRequest, reply: FastifyReply, fn: () => string) => runChange(reply, (code, msg) => draw(req, code, msg), fn);
  const terminalOf = (req: FastifyRequest) => {
    const id = (req.params as { id: string }).id;
    if (!store.terminals.terminal(id)) throw new GatewayError("not_found", `Терминала ${id} нет (его уже удалили?). Обновите страницу.`);
    return { id, tz: terminalZone(store, id, config.timeZone) };
  };
  const device = (serial: string) => {
    const s = serial.trim();
    if (!s) throw new GatewayError("invalid", "Выберите устройство.");
    if (!store.devices.get(s)) throw new GatewayError("not_found", `Устройство ${s} ещё ни разу не выходило на связь: подключите его и дождитесь приветствия.`);
    return s;
  };

  app.get("/terminals", { config: { web: true }, preHandler: gate(store, "read") }, async (req, reply) => reply.type("text/html; charset=utf-8").send(draw(req, 200)));

  app.post("/terminals/identify", change, (req, reply) =>
    run(req, reply, () => {
      const serial = device(parse(identifyForm, req.body, "form").serial);
      const s = identify(store, serial, IDENTIFY_SECONDS, now());
      audit(store, req, now(), { action: "device.identify", subject: serial, detail: `${s} с` });
      return `${serial}: светодиоды мигают ${s}${NBSP}с, как только устройство на связи (последний раз ${dateTime(store.devices.get(serial)!.lastSeenMs, config.timeZone)}).`;
    }),
  );

  app.post("/terminals/pair", change, (req, reply) =>
    run(req, reply, () => {
      const b = parse(pairForm, req.body, "form");
      const serial = device(b.serial);
      const join = b.terminal.trim();
      const employee = employeeName(b.employee);
      let id: string;
      if (join) {
        id = pair(store, { serial, terminal: join }, now(), req.auth!.user.login);
      } else {
        if (!b.store.trim()) throw new GatewayError("invalid", "Выберите магазин.");
        if (!store.terminals.store(b.store.trim())) throw new GatewayError("not_found", `Магазина ${b.store.trim()} нет; выберите магазин из списка.`);
        const point = idPart(b.point, "место обслуживания");
        if (!b.question) throw new GatewayError("invalid", "Выберите вид ключевого вопроса.");
        const question = questionKind(b.question);
        if (b.text.length > 200) throw new GatewayError("invalid", "Текст вопроса: не длиннее 200 знаков.");
        id = pair(store, { serial, store: b.store.trim(), point, question, questionText: b.text.trim(), employee: employee ?? undefined, timing: config.terminalDefaults }, now(), req.auth!.user.login);
      }
      audit(store, req, now(), { action: "terminal.pair", subject: serial, detail: `→ ${id}` });
      const warn = needsReflash(store, serial) ? " Доступ MQTT этого устройства был отозван: прошейте его заново (loyalty flash --transport mqtt), иначе оно не подключится." : "";
      return `${serial} привязано к терминалу ${id}; шлюз отправит ему настройки.${warn}`;
    }),
  );

  app.post("/terminals/unpair", change, (req, reply) =>
    run(req, reply, () => {
      const serial = device(parse(unpairForm, req.body, "form").serial);
      const id = unpair(store, serial, now());
      audit(store, req, now(), { action: "device.unpair", subject: serial, detail: `${id} →` });
      return `${serial} отвязано от терминала ${id}; его доступ MQTT отозван. История терминала сохранена.`;
    }),
  );

  app.post("/terminals/replace", change, (req, reply) =>
    run(req, reply, () => {
      const b = parse(replaceForm, req.body, "form");
      const old = device(b.old);
      const fresh = device(b.new);
      const id = replace(store, old, fresh, now());
      audit(store, req, now(), { action: "device.replace", subject: id, detail: `${old} → ${fresh}` });
      return `Терминал ${id} работает с ${fresh} вместо ${old}; доступ MQTT ${old} отозван.`;
    }),
  );

  app.post("/terminals/:id/question", change, (req, reply) =>
    run(req, reply, () => {
      const { id, tz } = terminalOf(req);
      const b = parse(questionForm, req.body, "form");
      const kind = questionKind(b.question);
      if (b.text.length > 200) throw new GatewayError("invalid", "Текст вопроса: не длиннее 200 знаков.");
      const t = now();
      const from = effectiveTime(b.from, tz, t);
      setQuestion(store, id, kind, b.text.trim(), from, t, req.auth!.user.login);
      audit(store, req, t, { action: "terminal.question", subject: id, detail: `${QUESTION_TITLE[kind]} «${b.text.trim()}» с ${dateTime(from, tz)}` });
      return `Терминал ${id}: вопрос ${QUESTION_TITLE[kind]} «${b.text.trim()}» с ${dateTime(from, tz)} (${tz}).`;
    }),
  );

  app.post("/terminals/:id/employee", change, (req, reply) =>
    run(req, reply, () => {
      const { id, tz } = terminalOf(req);
      const b = parse(employeeForm, req.body, "form");
      const employee = employeeName(b.employee);
      const t = now();
      const from = effectiveTime(b.from, tz, t);
      assignEmployee(store, id, employee, from, t, req.auth!.user.login);
      audit(store, req, t, { action: "terminal.employee", subject: id, detail: `${employee ?? "никто"} с ${dateTime(from, tz)}` });
      return `Терминал ${id}: ${employee ?? "никто не"} на смене с ${dateTime(from, tz)} (${tz}).`;
    }),
  );

  app.post("/terminals/:id/timing", change, (req, reply) =>
    run(req, reply, () => {
      const { id, tz } = terminalOf(req);
      const b = parse(timingForm, req.body, "form");
      const t = now();
      const from = effectiveTime(b.from, tz, t);
      const current = settingsOf(store, defaults, id)(from);
      const keys = Object.keys(TIMING_FIELDS) as (keyof typeof TIMING_FIELDS)[];
      /* Every field is checked before anything is written: one bad value loses none of the others. */
      const wanted = keys.map((k) => ({ k, ms: timingValue(k, b[k]) })).filter((x) => x.ms !== current[x.k]);
      if (wanted.length === 0) return `Терминал ${id}: настройки те же, ничего не изменено.`;
      if (from < t && wanted.some((x) => x.k === "longMs")) throw new GatewayError("invalid", "Длинное нажатие нельзя изменить задним числом: устройство различает короткое и длинное нажатие сразу. Укажите время не раньше текущего или оставьте поле времени пустым.");
      store.tx(() => {
        for (const x of wanted) setSetting(store, id, x.k, x.ms, from, t, req.auth!.user.login);
      });
      const words = wanted.map((x) => `${TIMING_FIELDS[x.k].title.toLowerCase()} ${inUnit(x.k, x.ms)}${NBSP}${TIMING_FIELDS[x.k].unit}`).join(", ");
      audit(store, req, t, { action: "terminal.timing", subject: id, detail: `${words} с ${dateTime(from, tz)}` });
      return `Терминал ${id}: ${words} с ${dateTime(from, tz)} (${tz}). Шлюз отправит устройствам новые настройки${from <= t ? "" : " в это время"}.`;
    }),
  );
}
