/**
 * Connects a ScriptedTerminal to the gateway the way a device would: over MQTT (its own client, up/down/state
 * topics, QoS 1, last will) or over a serial port (a real one, or one end of a socat pseudo-terminal pair).
 */
import { ReadlineParser } from "@serialport/parser-readline";
import mqtt, { type MqttClient } from "mqtt";
import { deviceStateTopic, downTopic, upTopic, DEFAULT_TOPIC_PREFIX } from "../../protocol/topics.ts";
import { ScriptedTerminal, type ScriptedTerminalOptions } from "./scripted-terminal.ts";
import { realSerialPorts, type OpenSerialPort } from "../ingest/serial-port.ts";
import type { Store } from "../store/store.ts";

export interface Connected {
  terminal: ScriptedTerminal;
  /** Sends bytes as they are, bypassing the terminal (one MQTT message; raw bytes on a port). Resolves when sent. */
  writeRaw(text: string): Promise<void>;
  /** `force`: without waiting for what is still in flight (a connection the broker refuses would wait for ever). */
  close(force?: boolean): Promise<void>;
}

type TerminalSpec = Omit<ScriptedTerminalOptions, "write">;

/** A new terminal from `spec`, or the same terminal (its outbox and clock) on a new connection. */
function terminalOf(t: TerminalSpec | ScriptedTerminal): ScriptedTerminal {
  return t instanceof ScriptedTerminal ? t : new ScriptedTerminal(t);
}

export interface MqttLogin {
  /** The device's secret (username is its serial); none for a broker without authentication (a test Mosquitto). */
  secret?: string | undefined;
  prefix?: string | undefined;
  /** For `mqtts://`: the broker's certificate (PEM), checked with the host name as a careful client does. */
  ca?: string | undefined;
}

/**
 * Connects as a device does (docs/protocol.md "MQTT"): client id `lb-<serial>`, username the serial, password its
 * secret, last will `offline` on its state topic.
 */
export async function overMqtt(spec: TerminalSpec | ScriptedTerminal, url: string, login: MqttLogin = {}): Promise<Connected> {
  const terminal = terminalOf(spec);
  const prefix = login.prefix ?? DEFAULT_TOPIC_PREFIX;
  let client: MqttClient | undefined;
  terminal.attach((line) => client?.publish(upTopic(prefix, terminal.serial), line, { qos: 1 }));
  client = await mqtt.connectAsync(url, {
    clientId: "lb-" + terminal.serial,
    clean: true,
    reconnectPeriod: 500,
    will: { topic: deviceStateTopic(prefix, terminal.serial), payload: Buffer.from("offline"), qos: 1, retain: true },
    ...(login.secret !== undefined ? { username: terminal.serial, password: login.secret } : {}),
    ...(login.ca !== undefined ? { ca: login.ca } : {}),
  });
  client.on("message", (_topic, payload) => terminal.receive(payload.toString("latin1")));
  /* clean: true, so the subscription is made again after every reconnect. */
  client.on("connect", () => client?.subscribe(downTopic(prefix, terminal.serial), { qos: 1 }));
  await client.subscribeAsync(downTopic(prefix, terminal.serial), { qos: 1 });
  await client.publishAsync(deviceStateTopic(prefix, terminal.serial), "online", { qos: 1, retain: true });
  const c = client;
  const up = upTopic(prefix, terminal.serial);
  return { terminal, writeRaw: (text) => c.publishAsync(up, Buffer.from(text, "latin1"), { qos: 1 }).then(() => undefined), close: (force) => c.endAsync(force) };
}

/** A gateway as far as its devices see it: where its broker is and the database their credentials are issued in. */
export interface GatewayMqtt {
  mqttUrl: string;
  store: Pick<Store, "credentials">;
}

/** Issues the device a credential in the gateway's database, as `loyalty flash` does, and connects with it. */
export function overGatewayMqtt(spec: TerminalSpec | ScriptedTerminal, gw: GatewayMqtt, prefix?: string): Promise<Connected> {
  const terminal = terminalOf(spec);
  return overMqtt(terminal, gw.mqttUrl, { secret: gw.store.credentials.issue(terminal.serial, Date.now()), prefix });
}

/* The terminals' serial ports: real ports, the bindings' fixes applied once, by the first serial connection. */
let serialPorts: OpenSerialPort | undefined;

export async function overSerial(spec: TerminalSpec | ScriptedTerminal, path: string): Promise<Connected> {
  const port = (serialPorts ??= realSerialPorts())({ path, baudRate: 115200 });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  const terminal = terminalOf(spec);
  terminal.attach((line) => port.isOpen && port.write(Buffer.from(line, "latin1")));
  port.pipe(new ReadlineParser({ delimiter: "\n", encoding: "latin1" })).on("data", (line: string) => terminal.receive(line));
  port.on("error", () => undefined);
  return {
    terminal,
    /* Resolves once the bytes are handed to the OS (tcdrain would wait for a peer that may itself be waiting). */
    writeRaw: (text) => new Promise<void>((resolve, reject) => port.write(Buffer.from(text, "latin1"), (err) => (err ? reject(err) : resolve()))),
    close: () => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}
