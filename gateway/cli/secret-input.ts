/**
 * A password for `loyalty users`, never from the command line (it would stay in the shell's history and in `ps`):
 * from standard input with --password-stdin (its first line), or asked in the terminal without echo, twice.
 */
import { GatewayError } from "../errors.ts";

/** The first line of standard input, without its line end. */
export async function passwordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text.split(/\r?\n/)[0] ?? "";
}

/** Reads one line from the terminal without showing it; `*` for each character typed. */
function askHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let value = "";
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off("data", onData);
      process.stderr.write("\n");
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (s: string) => {
      for (const ch of s) {
        if (ch === "\r" || ch === "\n") return done();
        if (ch === "\u0003") return done(new GatewayError("invalid", "cancelled"));
        if (ch === "\u007f" || ch === "\b") {
          if (value.length) (value = value.slice(0, -1)), process.stderr.write("\b \b");
        } else {
          value += ch;
          process.stderr.write("*");
        }
      }
    };
    stdin.on("data", onData);
  });
}

export async function readPassword(o: { stdin: boolean; login: string }): Promise<string> {
  if (o.stdin) return passwordFromStdin();
  if (!process.stdin.isTTY) throw new GatewayError("invalid", "no terminal to ask the password in: pipe it in with --password-stdin (e.g. printf '%s\\n' \"$PASS\" | loyalty users add ... --password-stdin)");
  const first = await askHidden(`Password for ${o.login}: `);
  const again = await askHidden("Again: ");
  if (first !== again) throw new GatewayError("invalid", "the two passwords differ; nothing changed");
  return first;
}
