/** Real pseudo-terminal pairs made by socat (Debian's socat), for serial tests and benchmarks without hardware. */
import { openPtyPair, type PtyPair } from "./pty-pair.ts";

export type { PtyPair };

/** A socat pair in `dir`, or in a new temporary folder that `close` removes. */
export async function ptyPair(dir?: string): Promise<PtyPair> {
  const pair = await openPtyPair(["socat"], dir);
  if ("reason" in pair) throw new Error(pair.reason);
  return pair;
}
