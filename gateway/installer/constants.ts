/** The installer's numbers in one table (docs/installer.md explains each). */

/** The Storage file Espruino runs at every boot ("Save on Send: to flash", https://www.espruino.com/Saving). */
export const BOOT_FILE = ".bootcde";
/** How long to wait for the REPL to answer one line, ms (a USB board answers in a few ms). */
export const ANSWER_TIMEOUT_MS = 2000;
/** How long the firmware has to start and answer the version query after the restart, ms. */
export const VERIFY_TIMEOUT_MS = 15000;
/** How often the version query is repeated while waiting, ms. */
export const QUERY_EVERY_MS = 1000;
/** How long `loyalty ports` waits for a REPL on each port, ms. */
export const PROBE_TIMEOUT_MS = 1000;
/** Seconds a device blinks after `loyalty pair --identify`. */
export const IDENTIFY_SECONDS = 30;
/** How often `loyalty flash` looks in the gateway's database for the MQTT terminal's hello (ms). */
export const GATEWAY_POLL_MS = 200;
