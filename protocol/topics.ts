/**
 * MQTT topic layout (docs/protocol.md#mqtt). Payloads are the same frames as on serial, at QoS 1.
 * Inside the Espruino subset: the firmware's MQTT client builds its topics here too.
 */

/** Default first topic level; an installation may choose another. */
export const DEFAULT_TOPIC_PREFIX = "lb";

/** A device's topic: `up` (device to gateway), `down` (gateway to device) or `state`. */
export function deviceTopic(prefix: string, device: string, leaf: "up" | "down" | "state"): string {
  return prefix + "/v1/dev/" + device + "/" + leaf;
}

/** Device to gateway: one frame per message. */
export function upTopic(prefix: string, device: string): string {
  return deviceTopic(prefix, device, "up");
}

/** Gateway to device: one frame per message. */
export function downTopic(prefix: string, device: string): string {
  return deviceTopic(prefix, device, "down");
}

/** Retained `online` / `offline`; the device's last will sets `offline`. */
export function deviceStateTopic(prefix: string, device: string): string {
  return deviceTopic(prefix, device, "state");
}

/** Retained `online` / `offline` of the gateway itself, with its own last will. */
export function gatewayStateTopic(prefix: string): string {
  return prefix + "/v1/gw/state";
}

/** The wildcard the gateway subscribes to for every device's `up` (or `state`) topic. */
export function allDevicesTopic(prefix: string, leaf: "up" | "state"): string {
  return prefix + "/v1/dev/+/" + leaf;
}

/** The device id in a device topic, or undefined when the topic is not one. */
export function deviceOfTopic(prefix: string, topic: string): string | undefined {
  const head = prefix + "/v1/dev/";
  if (topic.indexOf(head) !== 0) return undefined;
  const rest = topic.slice(head.length);
  const slash = rest.indexOf("/");
  if (slash < 1 || rest.indexOf("/", slash + 1) >= 0) return undefined;
  return rest.slice(0, slash);
}
