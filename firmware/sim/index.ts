/**
 * The firmware simulator's public API (docs/firmware.md "Simulator"): run the built firmware on simulated
 * Espruino boards, drive their buttons, cable their serial ports to a pseudo-terminal, let them reach a broker.
 */
export { createSimulatedBoard, type Button, type SimBoard, type SimBoardOptions } from "./board.ts";
export { createFakeClock, createRealClock, type SimClock } from "./clock.ts";
export { createFlash, PowerCut, type SimFlash } from "./flash.ts";
export { connectSerialPath } from "./pty.ts";
