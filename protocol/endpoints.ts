/**
 * The two ends of the wire as the gateway side (Node) uses them: the codec's framing and structural check,
 * then the direction and the zod schema. `gatewayEnd` is what the gateway runs; `deviceEnd` is what a
 * scripted terminal or a test runs in Node. Neither throws. A received event that breaks the schema comes with
 * the nack that refuses it for good, so the rule of docs/protocol.md (`nack` with `b` and `n`) lives here only.
 */
import { createCodec, directionOf, type Encoded } from "./codec.ts";
import { MAX_DOWN_LINE, MAX_UP_LINE } from "./constants.ts";
import { crc32 } from "./crc32.ts";
import type { Failure } from "./result.ts";
import { downSchema, nackSchema, upSchema, type DownMsg, type NackMsg, type UpMsg } from "./schemas.ts";
import type { z } from "zod";
import { describeIssues, inWords } from "./zod-words.ts";

/**
 * Why a line was not a valid message. `refusal`: the line was an event that passed the CRC but breaks the schema
 * (it will never be accepted), and names its device, boot and number; this nack, with its `b` and `n`, tells the
 * device to drop it so that it cannot block its outbox (docs/protocol.md, `nack`).
 */
export type DecodeFailure = Failure & { refusal?: NackMsg };

export interface End<In, Out> {
  /** One received line to a validated message. */
  decode(line: string): { ok: true; msg: In } | DecodeFailure;
  /** One message to send, validated, to a frame line with its `\n`. */
  encode(msg: Out): Encoded;
}

/* The nack refusing an up event for good, when the event names a device, boot and number a nack can carry. */
function refusalOf(event: { [k: string]: unknown }): NackMsg | undefined {
  if (event.t !== "event") return undefined;
  const nack = nackSchema.safeParse({ t: "nack", d: event.d, code: "bad_message", b: event.b, n: event.n });
  return nack.success && nack.data.b !== undefined && nack.data.n !== undefined ? nack.data : undefined;
}

function makeEnd<In, Out>(dir: "up" | "down", inSchema: z.ZodType<In>, outSchema: z.ZodType<Out>, maxIn: number, maxOut: number): End<In, Out> {
  const codec = createCodec({ crc32, maxIn, maxOut });
  /* A bad_message: from an up event, with the nack that refuses it (the message as parsed, not parsed again). */
  const badMessage = (reason: string, msg: { [k: string]: unknown }): DecodeFailure => {
    const refusal = dir === "up" ? refusalOf(msg) : undefined;
    return refusal ? { ok: false, code: "bad_message", reason, refusal } : { ok: false, code: "bad_message", reason };
  };
  return {
    decode(line) {
      const r = codec.decode(line);
      if (!r.ok) return r.parsed ? badMessage(r.reason, r.parsed) : r;
      const t = r.msg.t;
      if (directionOf(t) !== dir) return { ok: false, code: "unknown_type", reason: t + " is not a " + dir + " message" };
      const parsed = inSchema.safeParse(r.msg, { error: inWords });
      if (!parsed.success) return badMessage(t + " " + describeIssues(parsed.error), r.msg as unknown as { [k: string]: unknown });
      return { ok: true, msg: parsed.data };
    },
    encode(msg) {
      const parsed = outSchema.safeParse(msg, { error: inWords });
      if (!parsed.success) {
        const t = (msg as { t?: unknown }).t;
        return { ok: false, code: "bad_message", reason: String(t) + " " + describeIssues(parsed.error) };
      }
      return codec.encode(parsed.data as Parameters<typeof codec.encode>[0]);
    },
  };
}

/** The gateway's end: reads up messages (lines of at most MAX_UP_LINE), writes down messages. */
export function gatewayEnd(): End<UpMsg, DownMsg> {
  return makeEnd("up", upSchema, downSchema, MAX_UP_LINE, MAX_DOWN_LINE);
}

/** A device's end in Node (scripted terminals, tests): reads down messages, writes up messages. */
export function deviceEnd(): End<DownMsg, UpMsg> {
  return makeEnd("down", downSchema, upSchema, MAX_DOWN_LINE, MAX_UP_LINE);
}
