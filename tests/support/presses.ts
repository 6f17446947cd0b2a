/**
 * Event logs with known answers for index and report tests: terminals in stores with real time zones, presses at
 * store-local times, written to a real SQLite store the way the ingest writes them.
 */
import type { EventKind, QuestionKind } from "../../protocol/schemas.ts";
import { configSchema, type Config } from "../../gateway/config/schema.ts";
import type { Store } from "../../gateway/store/store.ts";
import { assignEmployee, setQuestion } from "../../gateway/terminals/manage.ts";
import { parseTime } from "../../gateway/time/zone.ts";
import { tempStore } from "./store.ts";

export interface Chain {
  store: Store;
  config: Config;
  terminal(id: string, storeId: string, tz: string, question: QuestionKind, employee?: string): Terminal;
}

export interface Terminal {
  id: string;
  tz: string;
  /** Epoch ms of a store-local `YYYY-MM-DD HH:MM:SS`. */
  at(local: string): number;
  press(local: string | number, kind: EventKind): number;
  /** A seller short press at `local`, answered `answer` `afterMs` later (silent: no key press). Returns the survey id. */
  survey(local: string, answer: "yes" | "no" | "unsure" | "silent", afterMs?: number): number;
  /** `[local time, kind]` pairs. */
  presses(list: [string, EventKind][]): void;
  question(local: string, kind: QuestionKind, text?: string): void;
  employee(local: string, name: string | null): void;
}

export function chain(config: Partial<Config> = {}): Chain {
  const store = tempStore();
  const cfg = configSchema.parse({ database: store.db.name, ...config });
  let seq = 0;
  return {
    store,
    config: cfg,
    terminal(id, storeId, tz, question, employee) {
      store.terminals.ensureStore(storeId, tz, 0);
      store.terminals.createTerminal({ id, storeId, point: id }, 0);
      setQuestion(store, id, question, `Вопрос ${question}`, 0, 0);
      if (employee) assignEmployee(store, id, employee, 0, 0);
      const at = (local: string) => {
        const t = parseTime(local, tz, 0);
        if (t === undefined) throw new Error(`bad local time ${local}`);
        return t;
      };
      const t: Terminal = {
        id,
        tz,
        at,
        press(local, kind) {
          const ms = typeof local === "number" ? local : at(local);
          return store.tx(() => {
            store.events.insert({ serial: `dev-${id}`, boot: "b1", seq: ++seq, kind, btn: null, ts: ms, synced: true, atMs: ms, receivedMs: ms, terminalId: id, link: "test" });
            store.derived.enqueue(id, ms);
            return (store.db.prepare("SELECT last_insert_rowid() AS id").get() as { id: number }).id;
          });
        },
        survey(local, answer, afterMs = 5000) {
          const id = t.press(local, "short");
          if (answer !== "silent") t.press(at(local) + afterMs, answer);
          return id;
        },
        presses(list) {
          for (const [local, kind] of list) t.press(local, kind);
        },
        question(local, kind, text = `Вопрос ${kind}`) {
          setQuestion(store, id, kind, text, at(local), 0);
          store.derived.enqueue(id, at(local));
        },
        employee(local, name) {
          assignEmployee(store, id, name, at(local), 0);
          store.derived.enqueue(id, at(local));
        },
      };
      return t;
    },
  };
}

