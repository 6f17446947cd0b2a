/** `loyalty terminals`: list and show terminals, change the key question or the employee from a given time, rename. */
import type { Command } from "commander";
import { questionKindSchema } from "../../protocol/schemas.ts";
import { GatewayError } from "../errors.ts";
import { settingsOf, terminalDefaults } from "../terminals/config.ts";
import { assignEmployee, FROM_THE_START, setQuestion, setSetting, TIMING, type TimingKey } from "../terminals/manage.ts";
import { terminalZone } from "../terminals/stores.ts";
import { formatDuration, parseDuration } from "../time/duration.ts";
import { formatLocal, parseTime } from "../time/zone.ts";
import { checkCctvTemplate } from "../review/cctv.ts";
import type { CliIo } from "./io.ts";
import { withDbFlags, withStore, type DbFlags } from "./open.ts";
import { table } from "../reports/table.ts";

function when(text: string | undefined, tz: string, now: number): number {
  if (text === undefined) return now;
  const t = parseTime(text, tz, now);
  if (t === undefined) throw new GatewayError("invalid", `--from '${text}': expected now, an ISO time, or YYYY-MM-DD HH:MM in ${tz}`);
  return t;
}

/** The zone a terminal's `--from` is read in and its times shown in: its store's (docs/operations.md "Stores"). */
function zoneOf(store: Parameters<typeof terminalZone>[0], id: string, fallback: string): string {
  if (!store.terminals.terminal(id)) throw new GatewayError("not_found", `terminal ${id} does not exist`);
  return terminalZone(store, id, fallback);
}

/** The per-terminal timing commands: which setting, its option's words, and an example value. */
const TIMING_COMMANDS: { command: string; key: TimingKey; what: string; example: string }[] = [
  { command: "set-window", key: "windowMs", what: "the survey window W: how long a customer has to answer after the seller's short press", example: "45s" },
  { command: "set-long-press", key: "longMs", what: "the long-press threshold L: how long the seller holds the button to report force-majeure (sent to the device)", example: "4s" },
  { command: "set-fm-max", key: "fmMaxMs", what: "the force-majeure maximum Fmax: a period not ended by a second long press ends after it", example: "20min" },
];

export function registerTerminals(program: Command, io: CliIo): void {
  const terminals = program.command("terminals").description("list terminals and change their settings");

  withDbFlags(terminals.command("list", { isDefault: true }).description("every terminal with its devices and current settings")).action((f: DbFlags) =>
    withStore(f, (store, config) => {
      const now = Date.now();
      const rows = store.terminals.terminals().map((t) => {
        const s = settingsOf(store, terminalDefaults(config), t.id)(now);
        const devices = store.terminals.devicesOf(t.id).map((p) => `${p.serial} (${p.role})`);
        return [t.id, t.name ?? "", s.questionKind, s.employee ?? "-", devices.join(", ") || "none"];
      });
      io.out(rows.length ? table(["terminal", "name", "question", "employee", "devices"], rows) : "No terminals yet. Pair a device: loyalty pair\n");
    }),
  );

  withDbFlags(terminals.command("show").argument("<id>").description("one terminal: devices, settings history")).action((id: string, f: DbFlags) =>
    withStore(f, (store, config) => {
      const t = store.terminals.terminal(id);
      if (!t) throw new GatewayError("not_found", `terminal ${id} does not exist`);
      const tz = store.terminals.store(t.storeId)?.timeZone ?? config.timeZone;
      const s = settingsOf(store, terminalDefaults(config), id)(Date.now());
      io.out(`Terminal ${t.id}${t.name ? ` (${t.name})` : ""}: store ${t.storeId}, point ${t.point}, time zone ${tz}\n`);
      io.out(`Question: ${s.questionKind} «${s.questionText}»\nEmployee: ${s.employee ?? "-"}\nWindow ${s.windowMs} ms, long press ${s.longMs} ms, force-majeure max ${s.fmMaxMs} ms\n\nDevices\n`);
      io.out(table(["serial", "role", "from", "to"], store.terminals.devicesOf(id).map((p) => [p.serial, p.role, formatLocal(p.fromMs, tz), "-"])));
      io.out("\nSettings history\n");
      const from = (ms: number) => (ms === FROM_THE_START ? "(from the start)" : formatLocal(ms, tz));
      io.out(table(["from", "setting", "value"], store.settings.history(id).map((h) => [from(h.fromMs), h.key, JSON.stringify(h.value)])));
    }),
  );

  withDbFlags(
    terminals
      .command("set-question")
      .argument("<id>")
      .requiredOption("--question <kind>", "staff, office or recommend")
      .requiredOption("--text <question>", "the printed key question")
      .option("--from <time>", "when it takes effect: now (default), ISO time, or YYYY-MM-DD HH:MM local")
      .description("change the key question from a given time"),
  ).action((id: string, f: DbFlags & { question: string; text: string; from?: string }) =>
    withStore(f, (store, config) => {
      const q = questionKindSchema.safeParse(f.question);
      if (!q.success) throw new GatewayError("invalid", `--question '${f.question}': expected staff, office or recommend`);
      const now = Date.now();
      const tz = zoneOf(store, id, config.timeZone);
      const from = when(f.from, tz, now);
      setQuestion(store, id, q.data, f.text, from, now, "cli");
      io.out(`Terminal ${id} asks «${f.text}» (${q.data}) from ${formatLocal(from, tz)} (${tz}).\n`);
    }),
  );

  withDbFlags(
    terminals
      .command("assign-employee")
      .argument("<id>")
      .argument("<employee>", "who is on duty ('-' for nobody)")
      .option("--from <time>", "when the shift starts: now (default), ISO time, or YYYY-MM-DD HH:MM local")
      .description("record the employee on duty at a terminal from a given time"),
  ).action((id: string, employee: string, f: DbFlags & { from?: string }) =>
    withStore(f, (store, config) => {
      const now = Date.now();
      const tz = zoneOf(store, id, config.timeZone);
      const from = when(f.from, tz, now);
      assignEmployee(store, id, employee === "-" ? null : employee, from, now, "cli");
      io.out(`Terminal ${id}: ${employee === "-" ? "nobody" : employee} on duty from ${formatLocal(from, tz)} (${tz}).\n`);
    }),
  );

  for (const c of TIMING_COMMANDS) {
    const { name, min, max } = TIMING[c.key];
    withDbFlags(
      terminals
        .command(c.command)
        .argument("<id>")
        .argument("<duration>", `e.g. ${c.example}, 2.5s, 3000ms, 30min, 1h; from ${formatDuration(min)} to ${formatDuration(max)}`)
        .option("--from <time>", "when it takes effect: now (default), ISO time, or YYYY-MM-DD HH:MM in the store's time zone")
        .description(`set ${c.what}, from a given time`),
    ).action((id: string, text: string, f: DbFlags & { from?: string }) =>
      withStore(f, (store, config) => {
        const ms = parseDuration(text);
        if (ms === undefined) throw new GatewayError("invalid", `${name} '${text}': expected a duration such as ${c.example}, 2.5s, 3000ms, 30min or 1h`);
        if (ms < min || ms > max) throw new GatewayError("invalid", `${name} '${text}': expected from ${formatDuration(min)} to ${formatDuration(max)} (what the device accepts, docs/protocol.md "config")`);
        const now = Date.now();
        const tz = zoneOf(store, id, config.timeZone);
        const from = when(f.from, tz, now);
        /* The device tells long from short as the button is released: a threshold cannot reach presses already made. */
        if (c.key === "longMs" && from < now) throw new GatewayError("invalid", `--from '${f.from}': the device tells a long press from a short one as it happens, so a new threshold cannot apply to past presses; give now or a later time`);
        setSetting(store, id, c.key, ms, from, now, "cli");
        const derived = from < now && c.key !== "longMs" ? " Surveys and periods from then on are derived again." : "";
        io.out(`Terminal ${id}: ${name} ${formatDuration(ms)} from ${formatLocal(from, tz)} (${tz}). The running gateway sends its devices the new config ${from <= now ? "now" : "then"}.${derived}\n`);
      }),
    );
  }

  withDbFlags(terminals.command("rename").argument("<id>").argument("<name>").description("give a terminal a readable name")).action((id: string, name: string, f: DbFlags) =>
    withStore(f, (store) => {
      if (!store.terminals.terminal(id)) throw new GatewayError("not_found", `terminal ${id} does not exist`);
      store.terminals.rename(id, name);
      io.out(`Terminal ${id} is now called ${name}.\n`);
    }),
  );

  withDbFlags(
    terminals
      .command("set-cctv")
      .argument("<id>")
      .argument("<template>", "e.g. https://nvr.example/cam/7?t={iso}; '-' removes it")
      .description("link review lists to the video archive: {iso}, {local}, {epoch}, {ms}, {terminal}, {store}"),
  ).action((id: string, template: string, f: DbFlags) =>
    withStore(f, (store) => {
      if (!store.terminals.terminal(id)) throw new GatewayError("not_found", `terminal ${id} does not exist`);
      if (template !== "-") checkCctvTemplate(template);
      store.terminals.setCctvTemplate(id, template === "-" ? null : template);
      io.out(template === "-" ? `Terminal ${id}: no CCTV link.\n` : `Terminal ${id}: surveys link to ${template}.\n`);
    }),
  );
}
