/** A connection a device's frames arrive on and replies leave by: one serial port, or one device's MQTT topics. */
export interface Link {
  /** `serial:/dev/ttyACM0` or `mqtt:<device>`: used in logs, reject counts and the devices table. */
  readonly id: string;
  readonly kind: "serial" | "mqtt";
  /** For MQTT, the device its topic names: frames must carry the same `d`. */
  readonly device?: string;
  /** Writes one encoded line (a frame, or a REPL call) to the device. Never throws. */
  write(text: string): void;
}

/** Where the transports (serial.ts, mqtt.ts) hand what their links receive: the ingest. */
export interface LinkSink {
  receive(line: string, link: Link): void;
  linkClosed(link: Link): void;
  /** A device announced itself online (MQTT state topic): it may have missed messages while away. */
  deviceOnline?(device: string, link: Link): void;
  /** A device announced itself offline: messages to it would be lost. */
  deviceOffline?(device: string): void;
}
