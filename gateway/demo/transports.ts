/**
 * Connects a ScriptedTerminal to the gateway the way a device would: over MQTT (its own client, up/down/state
 * topics, QoS 1, last will) or over a serial port (a real one, or one end of a socat pseudo-terminal pair).
 */
import { ReadlineParser } from "@serialport/parser-readline";
import mqtt, { type MqttClient } from "mqtt";
import { SerialPort } from "serialport";
import { deviceStateTopic, downTopic, upTopic, DEFAULT_TOPIC_PREFIX } from "../../protocol/topics.ts";
import { ScriptedTerminal, type ScriptedTerminalOptions } from "./scripted-terminal.ts";

export interface Connected {
  terminal: ScriptedTerminal;
  close(): Promise<void>;
}

type TerminalSpec = Omit<ScriptedTerminalOptions, "write">;

export async function overMqtt(spec: TerminalSpec, url: string, prefix = DEFAULT_TOPIC_PREFIX): Promise<Connected> {
  let client: MqttClient | undefined;
  const terminal = new ScriptedTerminal({ ...spec, write: (line) => client?.publish(upTopic(prefix, spec.serial), line, { qos: 1 }) });
  client = await mqtt.connectAsync(url, {
    clientId: "dev-" + spec.serial.slice(0, 19),
    clean: true,
    reconnectPeriod: 500,
    will: { topic: deviceStateTopic(prefix, spec.serial), payload: Buffer.from("offline"), qos: 1, retain: true },
  });
  client.on("message", (_topic, payload) => terminal.receive(payload.toString("latin1")));
  await client.subscribeAsync(downTopic(prefix, spec.serial), { qos: 1 });
  await client.publishAsync(deviceStateTopic(prefix, spec.serial), "online", { qos: 1, retain: true });
  const c = client;
  return { terminal, close: () => c.endAsync() };
}

export async function overSerial(spec: TerminalSpec, path: string): Promise<Connected> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  const terminal = new ScriptedTerminal({ ...spec, write: (line) => port.isOpen && port.write(Buffer.from(line, "latin1")) });
  port.pipe(new ReadlineParser({ delimiter: "\n", encoding: "latin1" })).on("data", (line: string) => terminal.receive(line));
  port.on("error", () => undefined);
  return {
    terminal,
    close: () => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}
