/**
 * `loyalty frame decode|encode`: the wire codec by hand, for installers and device builders
 * checking a line against docs/protocol.md.
 */
import type { Command } from "commander";
import { gatewayEnd, deviceEnd } from "../../protocol/endpoints.ts";
import { directionOf } from "../../protocol/codec.ts";
import type { CliIo } from "./io.ts";

export function registerFrame(program: Command, io: CliIo): void {
  const frame = program.command("frame").description("decode or encode one protocol frame (docs/protocol.md)");

  frame
    .command("decode")
    .argument("<line>", "one frame line, e.g. '~LB1|{\"t\":\"query\",\"d\":\"A1\"}|...'")
    .description("check a frame and print its message as JSON, or the code and reason it is rejected")
    .action((line: string) => {
      /* Up frames are read as the gateway reads them, down frames (longer limit) as a device does. */
      const asUp = gatewayEnd().decode(line);
      const asDown = deviceEnd().decode(line);
      const downish = !asUp.ok && (asUp.code === "unknown_type" || asUp.code === "too_long");
      const r = asUp.ok ? asUp : asDown.ok || downish ? asDown : asUp;
      if (r.ok) {
        io.out(JSON.stringify(r.msg) + "\n");
      } else {
        io.err(r.code + ": " + r.reason + "\n");
        io.exitCode(2);
      }
    });

  frame
    .command("encode")
    .argument("<json>", 'a message as JSON, e.g. \'{"t":"query","d":"A1"}\'')
    .description("validate a message and print its frame line")
    .action((json: string) => {
      let msg: { t?: unknown };
      try {
        msg = JSON.parse(json) as { t?: unknown };
      } catch (e) {
        io.err("bad_json: " + (e as Error).message + "\n");
        io.exitCode(2);
        return;
      }
      const dir = typeof msg.t === "string" ? directionOf(msg.t) : undefined;
      const r = dir === "up" ? deviceEnd().encode(msg as never) : gatewayEnd().encode(msg as never);
      if (r.ok) io.out(r.line);
      else {
        io.err(r.code + ": " + r.reason + "\n");
        io.exitCode(2);
      }
    });
}
