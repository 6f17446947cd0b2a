/** The PEM CA file of an mqtts:// broker no system CA signs, read once at start; `key` names the setting in the error. */
import { readFileSync } from "node:fs";
import { GatewayError } from "../errors.ts";

export function readBrokerCa(file: string | undefined, key: string): Buffer | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch (e) {
    throw new GatewayError("config", `${key}: cannot read ${file}: ${(e as Error).message}`);
  }
}
