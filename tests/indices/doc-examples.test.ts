/** docs/indices.md stays true: every `indices-example` block is computed by the code and compared. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { diagnose } from "../../gateway/indices/diagnosis.ts";
import { INDEX_FUNCTIONS, type IndexName } from "../../gateway/indices/formulas.ts";
import { representativeness } from "../../gateway/indices/representativeness.ts";
import { tallyOf, type Counts } from "../../gateway/indices/tally.ts";
import { indexSettings } from "../../gateway/reports/settings.ts";
import { configSchema } from "../../gateway/config/schema.ts";

const doc = readFileSync(new URL("../../docs/indices.md", import.meta.url), "utf8");
const examples = [...doc.matchAll(/```json indices-example\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as Record<string, unknown> & { name: string });
const pct = (x: number | null | undefined) => (x === null || x === undefined ? null : Math.round(x * 1000) / 10);

describe("docs/indices.md examples", () => {
  it("are there, the methodology's three among them", () => {
    expect(examples.length).toBeGreaterThanOrEqual(10);
    expect(examples.map((e) => e.name)).toEqual(expect.arrayContaining(["methodology: ИНК@Офис", "methodology: ИНК@Персонал", "methodology: ИЭЛ"]));
  });
  const minSample = indexSettings(configSchema.parse({})).minSample;
  for (const e of examples) {
    it(e.name, () => {
      if (e.index) {
        const f = INDEX_FUNCTIONS[e.index as IndexName](tallyOf(e.counts as Counts, e.k as number), minSample);
        expect(pct(f.value)).toBe(e.value);
        expect(f.sample).toBe(e.sample);
        expect(pct(f.ci?.low)).toBe(e.low);
        expect(pct(f.ci?.high)).toBe(e.high);
        expect(f.small).toBe(e.small ?? false);
      } else if (e.representativeness) {
        const r = representativeness(e.representativeness as Parameters<typeof representativeness>[0], e.fmThreshold as number);
        expect([pct(r.conversion), pct(r.coverage), pct(r.fmLevel), r.fmWarning]).toEqual([e.conversion, e.coverage, e.fmLevel, e.fmWarning]);
      } else {
        const d = e.diagnosis as { inkOffice: number; inkStaff: number };
        const ref = indexSettings(configSchema.parse({})).reference;
        expect(diagnose(d.inkOffice, d.inkStaff, ref)).toBe(e.verdict);
      }
    });
  }
});
