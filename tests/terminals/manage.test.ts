import { describe, expect, it } from "vitest";
import { GatewayError } from "../../gateway/errors.ts";
import { settingsOf } from "../../gateway/terminals/config.ts";
import { assignEmployee, pair, replace, setQuestion, unpair } from "../../gateway/terminals/manage.ts";
import type { TerminalSettings } from "../../gateway/surveys/model.ts";
import { heard, tempStore } from "../support/store.ts";

const defaults: TerminalSettings = { questionKind: "staff", questionText: "", employee: null, windowMs: 30_000, longMs: 3000, fmMaxMs: 1_800_000, heartbeatMs: 60_000 };
const base = { store: "msk-01", point: "till-1", question: "staff" as const, timeZone: "Europe/Moscow" };
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof GatewayError ? [e.code, e.message] : ["thrown", String(e)];
  }
  return ["ok", ""];
};

describe("pairing", () => {
  it("pairs a heard device to a new terminal, records its settings and queues its config", () => {
    const s = tempStore();
    heard(s, "A");
    expect(pair(s, { ...base, serial: "A", employee: "elena", questionText: "Q?" }, 5000)).toBe("msk-01.till-1");
    expect(s.terminals.currentPairing("A")).toMatchObject({ terminalId: "msk-01.till-1", role: "combo", fromMs: 5000, toMs: null });
    expect(s.terminals.store("msk-01")).toEqual({ id: "msk-01", name: "msk-01", timeZone: "Europe/Moscow", region: null });
    expect(settingsOf(s, defaults, "msk-01.till-1")(5000)).toMatchObject({ questionKind: "staff", questionText: "Q?", employee: "elena" });
    /* A press stamped just before the pairing (a lagging device clock) gets the terminal's first settings too. */
    expect(settingsOf(s, defaults, "msk-01.till-1")(4000)).toMatchObject({ employee: "elena" });
    expect(s.commands.pending(["A", "B"]).map((c) => [c.serial, c.command])).toEqual([["A", { t: "config" }]]);
  });

  it.each([
    ["an unknown device", (s: ReturnType<typeof tempStore>) => pair(s, { ...base, serial: "nobody" }, 1), "not_found"],
    ["a bad question", (s: ReturnType<typeof tempStore>) => pair(s, { ...base, serial: "A", question: "mood" as never }, 1), "invalid"],
    ["a bad store id", (s: ReturnType<typeof tempStore>) => pair(s, { ...base, serial: "A", store: "my store" }, 1), "invalid"],
    ["a seller button on its own", (s: ReturnType<typeof tempStore>) => pair(s, { ...base, serial: "S" }, 1), "invalid"],
    ["a missing terminal", (s: ReturnType<typeof tempStore>) => pair(s, { ...base, serial: "S", terminal: "nope" }, 1), "not_found"],
  ])("refuses %s with a clear error", (_name, run, want) => {
    const s = tempStore();
    heard(s, "A");
    heard(s, "S", "seller");
    const [got, message] = code(() => run(s));
    expect(got).toBe(want);
    expect(message).not.toBe("");
    expect(s.terminals.terminals()).toEqual([]);
  });

  it("pairs a seller button to its keypad's terminal, once", () => {
    const s = tempStore();
    heard(s, "K", "keypad");
    heard(s, "S", "seller");
    heard(s, "S2", "seller");
    const id = pair(s, { ...base, serial: "K" }, 1000);
    expect(pair(s, { ...base, serial: "S", terminal: id }, 2000)).toBe(id);
    expect(s.terminals.devicesOf(id).map((p) => [p.serial, p.role])).toEqual([["K", "keypad"], ["S", "seller"]]);
    expect(code(() => pair(s, { ...base, serial: "S2", terminal: id }, 3000))[0]).toBe("conflict");
  });

  it("unpairs and replaces a device, keeping the terminal's history", () => {
    const s = tempStore();
    heard(s, "OLD");
    heard(s, "NEW");
    const id = pair(s, { ...base, serial: "OLD" }, 1000);
    expect(code(() => pair(s, { ...base, serial: "OLD", point: "till-2" }, 1500))[0]).toBe("conflict");
    expect(replace(s, "OLD", "NEW", 2000)).toBe(id);
    expect(s.terminals.currentPairing("OLD")).toBeUndefined();
    expect(s.terminals.pairingAt("OLD", 1500)).toMatchObject({ terminalId: id, toMs: 2000 });
    expect(s.terminals.pairingAt("NEW", 2500)).toMatchObject({ terminalId: id, role: "combo" });
    expect(unpair(s, "NEW", 3000)).toBe(id);
    expect(code(() => unpair(s, "NEW", 3001))[0]).toBe("not_found");
    expect(s.commands.pending(["OLD", "NEW"]).map((c) => `${c.serial}:${c.command.t}`)).toEqual(["OLD:config", "OLD:unpair", "NEW:config", "NEW:unpair"]);
  });

  it("revokes the MQTT credential of a device that is unpaired or replaced; a new flash issues a new one", () => {
    const s = tempStore();
    heard(s, "OLD");
    heard(s, "NEW");
    const oldSecret = s.credentials.issue("OLD", 500);
    const newSecret = s.credentials.issue("NEW", 500);
    pair(s, { ...base, serial: "OLD" }, 1000);
    replace(s, "OLD", "NEW", 2000);
    expect(s.credentials.check("OLD", oldSecret)).toBe(false);
    expect(s.credentials.check("NEW", newSecret)).toBe(true);
    unpair(s, "NEW", 3000);
    expect(s.credentials.check("NEW", newSecret)).toBe(false);
    const again = s.credentials.issue("NEW", 4000);
    expect(s.credentials.check("NEW", again)).toBe(true);
  });

  it("changes the question and the employee from a given time, and re-derives the past", () => {
    const s = tempStore();
    heard(s, "A");
    const id = pair(s, { ...base, serial: "A", employee: "elena" }, 1000);
    setQuestion(s, id, "office", "Нравится офис?", 5000, 10_000);
    assignEmployee(s, id, "ivan", 7000, 10_000);
    const at = settingsOf(s, defaults, id);
    expect([at(4999).questionKind, at(5000).questionKind, at(5000).questionText]).toEqual(["staff", "office", "Нравится офис?"]);
    expect([at(6999).employee, at(7000).employee]).toEqual(["elena", "ivan"]);
    expect(s.derived.queued()).toEqual([{ terminalId: id, fromMs: 5000 }]);
    expect(code(() => setQuestion(s, id, "office", "bad\u0007text", 1, 1))[0]).toBe("invalid");
  });
});
