/**
 * zod schemas for every protocol message (docs/protocol.md#messages); the TypeScript types are inferred from them.
 * The gateway validates with these after the codec's structural check; they are stricter (ranges, plausibility).
 * The firmware imports only the types (erased at build), never zod itself.
 */
import { z } from "zod";
import {
  BUTTONS,
  DECODE_ERRORS,
  EVENT_KINDS,
  GATEWAY_NACKS,
  MAX_ACK_SEQS,
  MAX_QUESTION_TEXT,
  QUESTION_KINDS,
  ROLES,
} from "./constants.ts";

/** Epoch ms accepted as a synced device clock: 2020-01-01 .. 2100-01-01 (UTC). */
export const EPOCH_MIN = Date.UTC(2020, 0, 1);
export const EPOCH_MAX = Date.UTC(2100, 0, 1);

const token = z.string().regex(/^[A-Za-z0-9._-]{1,32}$/, "expected 1..32 of A-Z a-z 0-9 . _ -");
const ascii = z.string().regex(/^[\x20-\x7e]{1,64}$/, "expected 1..64 printable ASCII characters");
const uint = z.number().int().min(0);
const epochMs = z.number().int().min(EPOCH_MIN).max(EPOCH_MAX);

export const roleSchema = z.enum(ROLES);
export const eventKindSchema = z.enum(EVENT_KINDS);
export const buttonSchema = z.enum(BUTTONS);
export const questionKindSchema = z.enum(QUESTION_KINDS);
export const nackCodeSchema = z.enum([...DECODE_ERRORS, ...GATEWAY_NACKS]);

/** Device identity: hardware serial `d` and boot id `b`, present in every up message. */
const fromDevice = { d: token, b: token };

export const helloSchema = z.object({
  t: z.literal("hello"),
  ...fromDevice,
  fw: ascii,
  pv: z.string().regex(/^\d{1,3}\.\d{1,3}$/, "expected <major>.<minor>"),
  role: roleSchema,
  cap: z.array(ascii).max(16),
  up: uint,
});

export const eventSchema = z
  .object({
    t: z.literal("event"),
    ...fromDevice,
    n: uint.min(1),
    k: eventKindSchema,
    /* Any synced time decodes: one the gateway cannot believe is stored untimed, not refused (a refused event is lost). */
    ts: uint,
    sync: z.union([z.literal(0), z.literal(1)]),
    btn: buttonSchema.optional(),
  })
  .superRefine((e, ctx) => {
    if ((e.k === "stuck") !== (e.btn !== undefined)) {
      ctx.addIssue({ code: "custom", path: ["btn"], message: "btn is required for k=stuck and only then" });
    }
  });

export const statusSchema = z.object({
  t: z.literal("status"),
  ...fromDevice,
  up: uint,
  q: uint,
  drop: uint,
  mem: uint.optional(),
  vcc: z.number().min(0).max(60).optional(),
  /** The device clock when the status was sent, epoch ms; only once synced. */
  clk: epochMs.optional(),
});

export const ackSchema = z.object({
  t: z.literal("ack"),
  d: token,
  b: token,
  n: z.array(uint.min(1)).min(1).max(MAX_ACK_SEQS),
});

export const nackSchema = z.object({
  t: z.literal("nack"),
  d: token,
  code: nackCodeSchema,
  b: token.optional(),
  n: uint.min(1).optional(),
});

export const configSchema = z.object({
  t: z.literal("config"),
  d: token,
  tid: token,
  role: roleSchema,
  q: questionKindSchema,
  qt: z.string().max(MAX_QUESTION_TEXT).regex(/^[^\x00-\x1f\x7f]*$/, "no control characters"),
  /** Survey window W, ms. */
  w: uint.min(1000).max(600_000),
  /** Long-press threshold L, ms. */
  l: uint.min(500).max(60_000),
  /** Force-majeure maximum Fmax, ms. */
  fm: uint.min(60_000).max(86_400_000),
  /** Heartbeat (status) period, ms. */
  hb: uint.min(1000).max(3_600_000),
});

export const timeSchema = z.object({ t: z.literal("time"), d: token, ms: epochMs });
export const unpairSchema = z.object({ t: z.literal("unpair"), d: token });
export const querySchema = z.object({ t: z.literal("query"), d: token });
export const identifySchema = z.object({ t: z.literal("identify"), d: token, s: uint.min(1).max(600) });

export const upSchema = z.discriminatedUnion("t", [helloSchema, eventSchema, statusSchema]);
export const downSchema = z.discriminatedUnion("t", [
  ackSchema,
  nackSchema,
  configSchema,
  timeSchema,
  unpairSchema,
  querySchema,
  identifySchema,
]);

export type HelloMsg = z.infer<typeof helloSchema>;
export type EventMsg = z.infer<typeof eventSchema>;
export type StatusMsg = z.infer<typeof statusSchema>;
export type AckMsg = z.infer<typeof ackSchema>;
export type NackMsg = z.infer<typeof nackSchema>;
export type ConfigMsg = z.infer<typeof configSchema>;
export type TimeMsg = z.infer<typeof timeSchema>;
export type UnpairMsg = z.infer<typeof unpairSchema>;
export type QueryMsg = z.infer<typeof querySchema>;
export type IdentifyMsg = z.infer<typeof identifySchema>;
export type UpMsg = z.infer<typeof upSchema>;
export type DownMsg = z.infer<typeof downSchema>;
export type Message = UpMsg | DownMsg;
export type Role = z.infer<typeof roleSchema>;
export type EventKind = z.infer<typeof eventKindSchema>;
export type QuestionKind = z.infer<typeof questionKindSchema>;
export type NackCode = z.infer<typeof nackCodeSchema>;
