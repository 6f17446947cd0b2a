/**
 * Starting and stopping the gateway's parts, as Zigbee2MQTT's controller does its extensions: a part's constructor
 * only assigns, its I/O happens in start() and stop(). Parts start one after the other in the order app.ts gives
 * and stop in the reverse order. Whether a part that fails to start stops the gateway is chosen per part: fatal,
 * or logged and left out. Stopping always goes to the end: a part that fails to stop is logged, the others still
 * stop (the store closes last), and the first failure is thrown afterwards.
 */
import type { Logger } from "./log.ts";

export interface Part {
  start?(): unknown;
  stop?(): unknown;
}

export class Lifecycle {
  private readonly started: { name: string; part: Part }[] = [];

  constructor(private readonly log: Logger) {}

  /** Starts `part` (`name` is for the log); true when it runs. A fatal failure is thrown: stop() then stops what started before. */
  async start(name: string, part: Part, o: { fatal: boolean }): Promise<boolean> {
    try {
      await part.start?.();
    } catch (err) {
      if (o.fatal) throw err;
      this.log.error({ err, part: name }, "a part failed to start; the gateway runs without it");
      return false;
    }
    this.started.push({ name, part });
    return true;
  }

  /** Stops every started part, the last started first. */
  async stop(): Promise<void> {
    let failed: { err: unknown } | undefined;
    for (const { name, part } of this.started.splice(0).reverse()) {
      try {
        await part.stop?.();
      } catch (err) {
        this.log.error({ err, part: name }, "a part failed to stop; the others still stop");
        failed ??= { err };
      }
    }
    if (failed) throw failed.err;
  }
}
