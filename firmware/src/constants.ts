/**
 * Every tunable of the firmware in one table (the Espruino modules' habit). Plain `const` numbers and strings:
 * the build inlines each at its use, so none of them costs a variable on the device (docs/firmware.md "Memory").
 * docs/firmware.md and docs/protocol.md ("Delivery") give the reasons for each value.
 */

/** Hello period while unpaired (ms). */
export const HELLO_MS = 10000;
/** First retransmit delay of an event, doubling up to RETRY_MAX (ms). */
export const RETRY_MS = 2000;
export const RETRY_MAX = 60000;
/** Events in flight at once (the RAM window over the flash outbox). */
export const FLIGHT = 4;
/** Status period before a config gives `hb` (ms). */
export const HB_MS = 60000;
/** Sends of the oldest event after which the link-down LED shows (2 s << 3 = the 4th send went unanswered). */
export const DOWN_TRIES = 3;

/** A button held this long is reported once as `stuck` (ms). */
export const STUCK_MS = 60000;
/** Debounce (ms): an edge stands once the level kept it this long (press.ts `raw`; not setWatch's own). */
export const DEBOUNCE_MS = 50;
/** Long press L before the first config arrives (ms). */
export const LONG_MS = 3000;
/** Seconds without a turn of the event loop after which the watchdog reboots the board. */
export const WATCHDOG_S = 10;
/** LED refresh period (ms); every TICK_EVERY-th refresh also runs the session's one-second tick. */
export const LED_MS = 250;
export const TICK_EVERY = 4;

/** Thank-you and long-press confirmation LED times (ms). */
export const THANKS_MS = 2000;
export const CONFIRM_MS = 1000;

/** Outbox: events per flash segment, most segments, most unacked events (the oldest is dropped beyond it). */
export const SEG = 32;
export const MAX_SEGS = 6;
export const MAX_UNACKED = SEG * (MAX_SEGS - 1);

/** Boot counter: marks per `lbb<i>` file before the next file starts (docs/protocol.md "Boot id"). */
export const BOOTS_PER_FILE = 64;

/** MQTT keepalive (s) and the reconnect backoff (ms), doubling from the first to the last. */
export const KEEPALIVE_S = 30;
export const RECONNECT_MS = 1000;
export const RECONNECT_MAX = 30000;
/** Wait before joining the WiFi network again after a failure (ms). */
export const WIFI_RETRY_MS = 10000;

/** The protocol's button names, by button index (BUTTONS of protocol/constants.ts, as one string). */
export const BUTTON_NAMES = "seller yes no unsure";
