/** The end of every benchmark script: its duration, and its figures as one JSON object on the last line. */

/** Prints the run's duration and `out` as the last line (what programs read). */
export function finish(out: Record<string, unknown>, startedMs: number): void {
  out.duration_s = Math.round((Date.now() - startedMs) / 1000);
  console.log(`\ndone in ${out.duration_s} s`);
  console.log(JSON.stringify(out));
}

/** Runs a benchmark's main and exits: 0 when it finished, 1 with the error's stack when it failed. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: Error) => {
      console.error(err.stack ?? err);
      process.exit(1);
    },
  );
}
