/**
 * Board profiles (docs/firmware.md "Boards and wiring"), chosen at build time with `--board`.
 * Pins are Espruino pin names, in the order seller, yes, no, unsure, green LED, red LED ("-" for none).
 * Buttons connect the pin to GND (internal pull-up; pressed reads 0).
 */
export interface BoardProfile {
  /** Espruino board name (the `espruino` tool's --board). */
  espruino: string;
  pins: string;
  /** Frames over MQTT (WiFi boards) or serial. */
  mqtt: boolean;
  /** Serial device for frames when not MQTT, and whether input comes through the REPL. */
  port: "USB" | "Serial1";
  repl: boolean;
  /** Module that joins WiFi. */
  wifi: "Wifi" | "EspruinoWiFi";
  /** Whether the board's Espruino 2v29 build has `require("tls")` (its board file's TLS library). */
  tls: boolean;
}

export const BOARDS: { [name: string]: BoardProfile } = {
  /*
   * Espruino Pico: B3..B5 and A8 are free 5V-tolerant GPIO; B6/B7 stay free for Serial1. The LEDs by their pins,
   * B12 (LED2, green) and B2 (LED1, red): port-and-number names, as the issue asks of every profile.
   */
  pico: { espruino: "PICO_R1_3", pins: "B3 B4 B5 A8 B12 B2", mqtt: false, port: "USB", repl: true, wifi: "Wifi", tls: true },
  /* Espruino WiFi: same header layout as the Pico; its ESP8266 sits on A2/A3 (Serial2). */
  wifi: { espruino: "ESPRUINOWIFI", pins: "B3 B4 B5 A8 B12 B2", mqtt: true, port: "USB", repl: true, wifi: "EspruinoWiFi", tls: true },
  /* ESP32 DevKit: D25/D26/D27/D14 are plain GPIO with internal pull-ups; D2 is the on-board LED, D4 an external red one. */
  esp32: { espruino: "ESP32", pins: "D25 D26 D27 D14 D2 D4", mqtt: true, port: "Serial1", repl: true, wifi: "Wifi", tls: true },
  /*
   * ESP8266 (NodeMCU / Wemos D1 mini, 4 MB): Espruino names pins by GPIO number. GPIO4, 5, 12 and 13 are plain
   * inputs with pull-ups (0, 2 and 15 decide the boot mode; 16 has no pull-up); the LEDs are external on GPIO14
   * and 16 (the on-board LED on GPIO2 is active-low and a boot-mode pin, so it is left alone). No TLS: the
   * ESP8266_4MB build of 2v29 has CRYPTO but not TLS, so it reaches the broker in plain MQTT only.
   */
  esp8266: { espruino: "ESP8266_4MB", pins: "D4 D5 D12 D13 D14 D16", mqtt: true, port: "Serial1", repl: true, wifi: "Wifi", tls: false },
};

export const ROLES = ["combo", "keypad", "seller"] as const;
