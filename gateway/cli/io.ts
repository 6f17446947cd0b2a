/** Where the CLI writes: the real process, or a test's buffers. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  exitCode(code: number): void;
}

let closed = false;

/*
 * A reader that stops early (`loyalty status | head -3`) closes the pipe, and the next write fails with EPIPE:
 * Node would print that as an unhandled 'error' with its stack. The output is simply dropped from then on, as a
 * Unix tool stops writing to a closed pipe; the command (the gateway too) goes on. Other errors stay unhandled.
 */
function onStdoutError(e: NodeJS.ErrnoException): void {
  if (e.code !== "EPIPE") throw e;
  closed = true;
}

export function processIo(): CliIo {
  if (process.stdout.listeners("error").indexOf(onStdoutError) < 0) process.stdout.on("error", onStdoutError);
  return {
    out: (t) => void (closed || process.stdout.write(t)),
    err: (t) => void process.stderr.write(t),
    exitCode: (c) => void (process.exitCode = c),
  };
}
