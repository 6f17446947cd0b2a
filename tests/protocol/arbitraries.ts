/** fast-check arbitraries for valid protocol messages, within the zod schemas' ranges. */
import fc from "fast-check";
import { BUTTONS, EVENT_KINDS, MAX_ACK_SEQS, QUESTION_KINDS, ROLES } from "../../protocol/constants.ts";
import { EPOCH_MAX, EPOCH_MIN, type DownMsg, type UpMsg } from "../../protocol/schemas.ts";

export const token = fc.stringMatching(/^[A-Za-z0-9._-]{1,32}$/);
export const ascii = fc.stringMatching(/^[\x20-\x7e]{1,64}$/);
const uint = fc.maxSafeNat();
const seq = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
const epoch = fc.integer({ min: EPOCH_MIN, max: EPOCH_MAX });
const ms = (min: number, max: number) => fc.integer({ min, max });
const questionText = fc
  .string({ unit: "binary", maxLength: 120 })
  .filter((s) => s.length <= 120 && !/[\x00-\x1f\x7f]/.test(s));

export const hello = fc.record({
  t: fc.constant("hello" as const),
  d: token,
  b: token,
  fw: ascii,
  pv: fc.tuple(fc.nat(999), fc.nat(999)).map(([a, b]) => a + "." + b),
  role: fc.constantFrom(...ROLES),
  cap: fc.array(ascii, { maxLength: 3 }),
  up: uint,
});

export const event = fc
  .record({
    t: fc.constant("event" as const),
    d: token,
    b: token,
    n: seq,
    k: fc.constantFrom(...EVENT_KINDS),
    sync: fc.constantFrom(0 as const, 1 as const),
    up: uint,
    at: epoch,
    btn: fc.constantFrom(...BUTTONS),
  })
  .map(({ up, at, btn, ...e }) => ({ ...e, ts: e.sync === 1 ? at : up, ...(e.k === "stuck" ? { btn } : {}) }));

export const status = fc.record(
  {
    t: fc.constant("status" as const),
    d: token,
    b: token,
    up: uint,
    q: uint,
    drop: uint,
    mem: uint,
    vcc: fc.integer({ min: 0, max: 6000 }).map((v) => v / 100),
    clk: epoch,
  },
  { requiredKeys: ["t", "d", "b", "up", "q", "drop"] },
);

export const upMessage: fc.Arbitrary<UpMsg> = fc.oneof(hello, event, status) as fc.Arbitrary<UpMsg>;

export const downMessage: fc.Arbitrary<DownMsg> = fc.oneof(
  fc.record({ t: fc.constant("ack" as const), d: token, b: token, n: fc.array(seq, { minLength: 1, maxLength: MAX_ACK_SEQS }) }),
  fc.record(
    {
      t: fc.constant("nack" as const),
      d: token,
      code: fc.constantFrom("bad_crc", "bad_message", "not_paired", "internal", "bad_version" as const),
      b: token,
      n: seq,
    },
    { requiredKeys: ["t", "d", "code"] },
  ),
  fc.record({
    t: fc.constant("config" as const),
    d: token,
    tid: token,
    role: fc.constantFrom(...ROLES),
    q: fc.constantFrom(...QUESTION_KINDS),
    qt: questionText,
    w: ms(1000, 600_000),
    l: ms(500, 60_000),
    fm: ms(60_000, 86_400_000),
    hb: ms(1000, 3_600_000),
  }),
  fc.record({ t: fc.constant("time" as const), d: token, ms: epoch }),
  fc.record({ t: fc.constant("unpair" as const), d: token }),
  fc.record({ t: fc.constant("query" as const), d: token }),
  fc.record({ t: fc.constant("identify" as const), d: token, s: ms(1, 600) }),
) as fc.Arbitrary<DownMsg>;
