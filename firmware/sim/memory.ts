/**
 * An estimate of Espruino variables in use (process.memory().usage), since a Node heap says nothing about
 * them. Rules, after https://www.espruino.com/Internals and https://www.espruino.com/Performance :
 * one variable per object, array or function, one per property name (small integers, booleans and short
 * strings fit in it), one more per float, and one per 12 characters of a longer string. Code run from flash
 * (.bootcde) costs one variable per 17 bytes (shared/espruino.md measures 650 for an 11 KB program).
 * Only state reachable from `root` is seen: the firmware keeps its state on `global.LB_` for this reason.
 */
export function estimateVars(root: unknown, codeBytes: number): number {
  const seen = new Set<object>();
  let n = Math.ceil(codeBytes / 17);
  const value = (v: unknown): number => {
    if (v === null || v === undefined || typeof v === "boolean") return 0;
    if (typeof v === "number") return Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? 0 : 1;
    if (typeof v === "string") return v.length <= 4 ? 0 : Math.ceil(v.length / 12);
    if (typeof v === "function") return 2;
    if (typeof v === "object") return walk(v as object);
    return 1;
  };
  const walk = (o: object): number => {
    if (seen.has(o)) return 0;
    seen.add(o);
    let c = 1;
    for (const k of Object.keys(o)) c += 1 + value((o as { [k: string]: unknown })[k]);
    return c;
  };
  n += value(root);
  return n;
}
