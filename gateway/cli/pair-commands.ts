/** `loyalty pair`, `unpair`, `replace`: the installer's pairing workflow (docs/installer.md). */
import type { Command } from "commander";
import { questionKindSchema } from "../../protocol/schemas.ts";
import { GatewayError } from "../errors.ts";
import { IDENTIFY_SECONDS } from "../installer/constants.ts";
import { identify, needsReflash, pair, replace, unpair } from "../terminals/manage.ts";
import { storeList } from "../terminals/stores.ts";
import type { CliIo } from "./io.ts";
import { withDbFlags, withStore, type DbFlags } from "./open.ts";
import { table } from "../reports/table.ts";
import { ago } from "./ago.ts";

interface PairFlags extends DbFlags {
  terminal?: string;
  store?: string;
  point?: string;
  question?: string;
  text?: string;
  employee?: string;
  identify?: string;
  seconds?: string;
}

export function registerPairing(program: Command, io: CliIo): void {
  withDbFlags(
    program
      .command("pair")
      .argument("[serial]", "hardware serial of a pending device; without it, pending devices are listed")
      .description("pair a pending device to a new terminal, or a seller button to a keypad's terminal")
      .option("--store <id>", "store id, e.g. msk-01 (added first with loyalty stores add)")
      .option("--point <id>", "service point in the store, e.g. till-2")
      .option("--question <kind>", "key question kind: staff, office or recommend")
      .option("--text <question>", "the printed key question")
      .option("--employee <name>", "employee on duty at this terminal")
      .option("--terminal <id>", "join this existing terminal (a seller button to its keypad)")
      .option("--identify <serial>", "blink this device's LEDs so you can find it (both LEDs at 4 Hz)")
      .option("--seconds <s>", "how long --identify blinks, 1..600", String(IDENTIFY_SECONDS)),
  ).action((serial: string | undefined, f: PairFlags) =>
    withStore(f, (store, config) => {
      if (f.identify !== undefined) {
        if (serial !== undefined) throw new GatewayError("invalid", "--identify takes the serial itself: loyalty pair --identify <serial>");
        const s = identify(store, f.identify, f.seconds ?? String(IDENTIFY_SECONDS), Date.now());
        io.out(`Asked ${f.identify} to blink both LEDs for ${s} s (the running gateway sends it now: the device was last heard ${ago(Date.now(), store.devices.get(f.identify)?.lastSeenMs)}).\n`);
        return;
      }
      if (serial === undefined) {
        const now = Date.now();
        const pending = store.devices.all().filter((d) => !store.terminals.currentPairing(d.serial));
        if (pending.length === 0) {
          io.out("No pending devices. Connect a terminal and wait for its hello (it repeats every 10 s while unpaired).\n");
          return;
        }
        io.out(table(["serial", "role", "firmware", "seen", "where"], pending.map((d) => [d.serial, d.role ?? "?", d.fw ?? "?", ago(now, d.lastSeenMs), d.link ?? ""])));
        io.out("\nFind one on site: loyalty pair --identify <serial> (its LEDs blink for " + IDENTIFY_SECONDS + " s)\n");
        io.out("Pair one with: loyalty pair <serial> --store <id> --point <id> --question staff|office|recommend [--employee <name>]\n");
        io.out(`Stores: ${storeList(store)}${store.terminals.stores().length ? "" : "; add one first: loyalty stores add <id> --zone <IANA zone, e.g. Europe/Moscow>"}\n`);
        return;
      }
      if (f.question !== undefined && !questionKindSchema.safeParse(f.question).success) {
        throw new GatewayError("invalid", `--question '${f.question}': expected staff, office or recommend`);
      }
      if (f.terminal === undefined) {
        const missing = (["store", "point", "question"] as const).filter((k) => f[k] === undefined).map((k) => `--${k}`);
        if (missing.length) {
          throw new GatewayError("invalid", `loyalty pair ${serial} needs ${missing.join(", ")} for a new terminal (or --terminal <id> to join an existing one): loyalty pair ${serial} --store <id> --point <id> --question staff|office|recommend`);
        }
      }
      /* No time zone here: the store must exist (loyalty stores add); an unknown one is refused with the list. */
      const id = pair(
        store,
        { serial, terminal: f.terminal, store: f.store, point: f.point, question: f.question as never, questionText: f.text, employee: f.employee, timing: config.terminalDefaults },
        Date.now(),
        "cli",
      );
      io.out(`Paired ${serial} to terminal ${id}. The running gateway sends it its configuration.\n`);
      if (needsReflash(store, serial)) {
        io.err(
          `Warning: ${serial}'s MQTT credential was revoked when it was unpaired or replaced, so it cannot connect: flash it again ` +
            `(loyalty flash --port <its port> --transport mqtt) to give it a new one. The pairing stands; it gets its configuration once it connects.\n`,
        );
      }
    }),
  );

  withDbFlags(program.command("unpair").argument("<serial>").description("end a device's pairing (its terminal keeps its history)")).action((serial: string, f: DbFlags) =>
    withStore(f, (store) => io.out(`Unpaired ${serial} from terminal ${unpair(store, serial, Date.now())}.\n`)),
  );

  withDbFlags(
    program.command("replace").argument("<old>", "serial of the device taken out").argument("<new>", "serial of the pending device put in").description("swap a broken device, keeping the terminal and its history"),
  ).action((oldSerial: string, newSerial: string, f: DbFlags) =>
    withStore(f, (store) => io.out(`Terminal ${replace(store, oldSerial, newSerial, Date.now())} now uses ${newSerial} instead of ${oldSerial}.\n`)),
  );
}
