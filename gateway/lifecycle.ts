/**
 * Starting and stopping the gateway's parts, as Zigbee2MQTT's controller does its extensions: a part's constructor
 * only assigns, its I/O happens in start() and stop(). Parts start one after the other in the order app.ts gives
 * and stop in the reverse order. app.ts says per part what a failure to start means (docs/decisions.md, "Which
 * parts the gateway runs without"): `start` for a part the gateway cannot run without (the failure stops what
 * started before and is thrown), `startOptional` for one it can (the failure is logged and the part left out).
 * `atStop` puts a step with nothing to start into the order (closing the store, a last flush). Stopping always
 * goes to the end: a part that fails to stop is logged, the others still stop, and the first failure is thrown
 * afterwards.
 */
import type { Logger } from "./log.ts";

/** A part of the gateway. A start() that throws leaves nothing of its own running: it is not stopped. */
export interface Part {
  start(): unknown;
  stop(): unknown;
}

export class Lifecycle {
  private readonly started: { name: string; stop: () => unknown }[] = [];

  constructor(private readonly log: Logger) {}

  /**
   * Starts a part the gateway cannot run without (`name` is for the log). When its start() fails, everything
   * started before stops, the last first, and the start failure is thrown.
   */
  async start(name: string, part: Part): Promise<void> {
    try {
      await part.start();
    } catch (err) {
      this.log.error({ err, part: name }, "a part failed to start; the gateway stops");
      /* stop() logs each part that fails to stop; the failure to report is the start's. */
      await this.stop().catch(() => undefined);
      throw err;
    }
    this.atStop(name, () => part.stop());
  }

  /** Starts a part the gateway can run without: a failure is logged and returned, and the gateway goes on without it. */
  async startOptional(name: string, part: Part): Promise<{ error: unknown } | undefined> {
    try {
      await part.start();
    } catch (err) {
      this.log.error({ err, part: name }, "a part failed to start; the gateway runs without it");
      return { error: err };
    }
    this.atStop(name, () => part.stop());
    return undefined;
  }

  /** Runs `stop` on the way down, at this point of the order (after what is added later has stopped). */
  atStop(name: string, stop: () => unknown): void {
    this.started.push({ name, stop });
  }

  /** Stops every started part, the last started first; throws the first failure once all have had their turn. */
  async stop(): Promise<void> {
    let failed: { err: unknown } | undefined;
    for (const { name, stop } of this.started.splice(0).reverse()) {
      try {
        await stop();
      } catch (err) {
        this.log.error({ err, part: name }, "a part failed to stop; the others still stop");
        failed ??= { err };
      }
    }
    if (failed) throw failed.err;
  }
}
