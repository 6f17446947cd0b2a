/** `loyalty flash`: build, upload and save the firmware to a board on a serial port, then check its version. */
import type { Command } from "commander";
import { flash } from "../installer/flash.ts";
import { flashRequest, type FlashFlags } from "../installer/flash-options.ts";
import { openTextPort } from "../installer/serial-open.ts";
import type { GatewayRecord } from "../installer/verify.ts";
import type { OpenSerialPort } from "../ingest/serial-port.ts";
import type { CliIo } from "./io.ts";
import { openGatewayStore, withDbFlags, type DbFlags } from "./open.ts";

/** `openPort`: the CLI's serial ports (cli/main.ts). */
export function registerFlash(program: Command, io: CliIo, openPort: OpenSerialPort): void {
  withDbFlags(program.command("flash"))
    .description("build the firmware, upload it to the board on --port, save it to flash and check its version")
    .option("-p, --port <path>", "serial port of the board, e.g. /dev/ttyACM0 (loyalty ports lists them)")
    .option("--board <name>", "pico, wifi or esp32", "pico")
    .option("--role <role>", "combo (keypad and seller button), keypad or seller", "combo")
    .option("--transport <kind>", "serial or mqtt (default: the board's: pico serial, wifi and esp32 mqtt)")
    .option("--wifi <ssid:password>", "WiFi network the terminal joins (mqtt only)")
    .option("--broker <host:port>", "the gateway's MQTT broker as the terminal reaches it, e.g. mqtts://192.168.1.10:8883 (TLS; esp8266: mqtt://192.168.1.10:1883) (mqtt only)")
    .option("--prefix <prefix>", "MQTT topic prefix", "lb")
    .option("--answer-timeout <ms>", "how long the board may take to answer one REPL line", "2000")
    .option("--verify-timeout <ms>", "how long the new firmware may take to answer the version query", "15000")
    .action(async (f: FlashFlags & DbFlags & { answerTimeout: string; verifyTimeout: string }) => {
      const req = flashRequest(f);
      /* MQTT: the device's credential is registered in the gateway's database, found as every command finds it. */
      const store = req.transport === "mqtt" ? openGatewayStore(f, "flash an MQTT terminal") : undefined;
      if (req.warning) io.err(req.warning + "\n");
      const gateway: GatewayRecord | undefined = store && {
        issue: (serial) => store.credentials.issue(serial, Date.now()),
        device: (serial) => store.devices.get(serial),
        where: store.path,
      };
      try {
        const r = await flash(req, { say: (l) => io.out(l + "\n"), open: (path) => openTextPort(path, openPort), ...(gateway ? { gateway } : {}) });
        io.out(
          `\nDone: ${req.port} runs firmware ${r.verified.fw} and keeps it after power-off.\n` +
            `Next: connect the terminal to the gateway (it appears as pending), then \`loyalty pair\` to see it and \`loyalty pair <serial> --store ... --point ... --question ...\`.\n`,
        );
      } finally {
        store?.close();
      }
    });
}
