/**
 * The Espruino globals the firmware uses, typed after the Espruino reference (https://www.espruino.com/Reference).
 * Only main.ts touches them; the core modules receive what they need as arguments.
 */

/**
 * https://www.espruino.com/Reference#Pin . Every pin is also a global (`B3`, `LED1`); on 2v29 `new Pin(name)`
 * parses only port-and-number names and gives an empty, truthy pin for a device name such as "LED1".
 */
declare class Pin {
  read(): boolean;
}

/** https://www.espruino.com/Reference#l__global_setWatch : callback argument. */
interface WatchEvent {
  state: boolean;
  /** Seconds, the getTime() clock. */
  time: number;
  lastTime: number;
  /** The watched pin (2v29 sets it on every watch event). */
  pin: Pin;
}

interface WatchOptions {
  repeat?: boolean;
  edge?: "rising" | "falling" | "both";
  /** ms the pin must stay stable before the callback runs. */
  debounce?: number;
}

declare function setWatch(fn: (e: WatchEvent) => void, pin: Pin, opts: WatchOptions): number;
declare function clearWatch(id: number): void;
declare function digitalWrite(pin: Pin, value: boolean | number): void;
declare function pinMode(pin: Pin, mode: "input" | "input_pullup" | "input_pulldown" | "output"): void;
/** Seconds since power-on (float) unless setTime was called; the firmware never calls setTime. */
declare function getTime(): number;
declare function getSerial(): string;
/** Extra arguments are passed to `fn` (Espruino, as browsers do). */
declare function setTimeout(fn: (...args: never[]) => void, ms: number, ...args: unknown[]): number;
declare function setInterval(fn: () => void, ms: number): number;
declare function clearTimeout(id: number): void;
declare function clearInterval(id: number): void;

/** https://www.espruino.com/Reference#Serial */
interface SerialDevice {
  setup(baud: number, opts?: { rx?: Pin; tx?: Pin }): void;
  on(event: "data", fn: (data: string) => void): void;
  write(data: string): void;
  setConsole(force?: boolean): void;
}

/** https://www.espruino.com/Reference#E */
declare const E: {
  CRC32(s: string): number;
  on(event: "init", fn: () => void): void;
  enableWatchdog(seconds: number, isAuto?: boolean): void;
  /** 32 bits from the hardware random source (https://www.espruino.com/Reference#l_E_hwRand). */
  hwRand(): number;
  /** Name of the device the REPL is on ("USB", "Serial1", ...), or undefined. */
  getConsole(): string | undefined;
};

/** https://www.espruino.com/Reference#process : `memory()` counts in variables (blocks). */
declare const process: {
  memory(): { free: number; usage: number; total: number };
  version: string;
};

/** https://www.espruino.com/Reference#StorageFile */
interface StorageFile {
  read(len: number): string | undefined;
  write(data: string): void;
}

/** https://www.espruino.com/Reference#Storage */
interface EspruinoStorage {
  read(name: string): string | undefined;
  write(name: string, data: string): boolean;
  erase(name: string): void;
  list(re?: RegExp, opts?: { sf: boolean }): string[];
  open(name: string, mode: "r" | "a" | "w"): StorageFile;
}

/** https://www.espruino.com/Reference#Socket */
interface NetSocket {
  write(data: string): void;
  end(): void;
  on(event: "data", fn: (data: string) => void): void;
  on(event: "close" | "error", fn: (e?: unknown) => void): void;
}

/** https://www.espruino.com/Reference#net */
interface EspruinoNet {
  connect(opts: { host: string; port: number }, cb: () => void): NetSocket;
}

/** require("Wifi") (ESP32) and require("EspruinoWiFi") share `connect(ssid, { password }, cb)`. */
interface EspruinoWifi {
  connect(ssid: string, opts: { password: string }, cb: (err?: unknown) => void): void;
}

declare function require(name: "Storage"): EspruinoStorage;
declare function require(name: "net" | "tls"): EspruinoNet;
declare function require(name: "Wifi" | "EspruinoWiFi"): EspruinoWifi;

declare const USB: SerialDevice;
declare const Serial1: SerialDevice;
declare const LoopbackA: SerialDevice;
/** Espruino's global object (https://www.espruino.com/Reference#l__global_global). */
declare const global: { [name: string]: unknown };

/* Build-time constants, replaced by firmware/build/build.ts (esbuild `define`). */
/** Firmware version reported in `hello.fw`. */
declare const LB_FW: string;
/** combo | keypad | seller */
declare const LB_ROLE: "combo" | "keypad" | "seller";
/** Pin names, space separated: seller yes no unsure ledGreen ledRed. */
declare const LB_PINS: string;
/** True when the board talks MQTT (else serial). */
declare const LB_MQTT: boolean;
/** Serial device for frames: "USB" (REPL form) or "Serial1" (raw lines). */
declare const LB_PORT: string;
/** Network defaults (an object literal in the bundle; `k`, the device's MQTT secret, is empty there); the Storage file `lbnet` overrides them. */
declare const LB_NET: { ssid: string; pass: string; host: string; port: number; prefix: string; k: string; tls?: number };
/** Which WiFi module: "Wifi" (ESP32/ESP8266) or "EspruinoWiFi". */
declare const LB_WIFI: string;
/** True: down frames arrive through the REPL as `LB("<frame>")`; false: raw lines on LB_PORT. */
declare const LB_REPL: boolean;
/** `hello.cap`: transport, led, flash, and repl for REPL builds (an array literal, built only for `hello`). */
declare const LB_CAP: string[];
/** DOWN_FIELDS and ENUMS of protocol/constants.ts, as literals that exist only while a line is decoded. */
declare const LB_DOWN: { [t: string]: string };
declare const LB_ENUMS: { [name: string]: string[] };
