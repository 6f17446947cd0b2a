/**
 * Zod's issues in words (protocol/zod-words.ts): each kind of issue a schema of ours can raise reads as words, never
 * zod's own "Too small: expected string to have >=1 characters"; a message the schema gives itself is kept.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { describeIssues, inWords, issueLines } from "../../protocol/zod-words.ts";

const ZOD_WORDING = /Too small|Too big|Invalid input|Invalid option|Invalid string|Unrecognized key|received|>=|<=/;

const kinds = z.discriminatedUnion("kind", [z.object({ kind: z.literal("a") }), z.object({ kind: z.literal("b") })]);

describe("zod issues in words", () => {
  it.each<[string, z.ZodType, unknown, string]>([
    ["a missing field", z.object({ x: z.string() }), {}, "x: required"],
    ["a wrong type", z.object({ x: z.boolean() }), { x: "yes" }, "x: expected a boolean"],
    ["a wrong whole number", z.object({ x: z.number().int() }), { x: 1.5 }, "x: expected a whole number"],
    ["an object expected", z.object({ x: z.object({}) }), { x: 3 }, "x: expected an object"],
    ["an empty string", z.object({ x: z.string().min(1) }), { x: "" }, "x: expected at least 1 character"],
    ["a long string", z.object({ x: z.string().max(3) }), { x: "abcd" }, "x: expected at most 3 characters"],
    ["a small number", z.object({ x: z.number().min(5) }), { x: 1 }, "x: expected at least 5"],
    ["a big number", z.object({ x: z.number().max(100) }), { x: 101 }, "x: expected at most 100"],
    ["a non-positive number", z.object({ x: z.number().positive() }), { x: 0 }, "x: expected more than 0"],
    ["an exact length", z.object({ x: z.string().length(4) }), { x: "abc" }, "x: expected exactly 4 characters"],
    ["a short list", z.object({ x: z.array(z.number()).min(2) }), { x: [1] }, "x: expected at least 2 items"],
    ["a multiple", z.object({ x: z.number().multipleOf(5) }), { x: 7 }, "x: expected a multiple of 5"],
    ["an enum", z.object({ x: z.enum(["a", "b", "c"]) }), { x: "d" }, 'x: expected one of "a", "b", "c"'],
    ["a two-value enum", z.object({ x: z.enum(["a", "b"]) }), { x: "d" }, 'x: expected "a" or "b"'],
    ["a pattern", z.object({ x: z.string().regex(/^\d+$/) }), { x: "x" }, "x: not in the expected form"],
    ["a url", z.object({ x: z.url() }), { x: "no url" }, "x: expected a valid url"],
    ["an unknown field", z.object({}).strict(), { y: 1, z: 2 }, '(root): unknown fields "y", "z"'],
    ["a discriminator", z.object({ r: kinds }), { r: { kind: "c" } }, 'r.kind: expected "a" or "b"'],
    ["a union", z.object({ x: z.union([z.string(), z.number()]) }), { x: true }, "x: matches none of the allowed forms"],
    ["a refinement without a message", z.object({ x: z.number().refine((n) => n !== 3) }), { x: 3 }, "x: not allowed here"],
    ["a schema's own message", z.object({ x: z.string().min(1, "x is empty") }), { x: "" }, "x: x is empty"],
    ["a refinement's own message", z.object({ x: z.number() }).refine((o) => o.x > 1, { message: "x too low", path: ["x"] }), { x: 0 }, "x: x too low"],
  ])("%s", (_what, schema, value, words) => {
    const r = schema.safeParse(value, { error: inWords });
    expect(r.success).toBe(false);
    const text = describeIssues(r.error!);
    expect(text).toBe(words);
    expect(text).not.toMatch(ZOD_WORDING);
  });

  it("names the whole value as the caller says, one line per issue", () => {
    const r = z.object({ a: z.string(), b: z.number() }).strict().safeParse({ c: 1 }, { error: inWords });
    expect(issueLines(r.error!, "row")).toEqual(["a: required", "b: required", 'row: unknown field "c"']);
  });
});
