/** Runs the `loyalty` CLI in-process, as a shell would, and returns its exit code and output. */
import { main } from "../../gateway/cli/main.ts";

export async function runCli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(["node", "loyalty", ...args], { out: (t) => (out += t), err: (t) => (err += t), exitCode: () => {} });
  return { code, out, err };
}
