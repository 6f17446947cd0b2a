/**
 * `loyalty mosquitto --passwords FILE --acl FILE`: an external Mosquitto's password file and ACL from the gateway's
 * database (docs/operations.md "MQTT broker"): the gateway's own user, from the config it runs with (`mqtt.username`,
 * `mqtt.password`, or LOYALTY_MQTT_USERNAME / LOYALTY_MQTT_PASSWORD), and every device whose credential is in force
 * (flashed, not revoked by unpair or replace). Each file is replaced atomically; then `systemctl reload mosquitto`.
 */
import type { Command } from "commander";
import { GatewayError } from "../errors.ts";
import { aclFile, FILE_SAFE_USER, mosquittoHash, passwordFile, type PasswordLine } from "../ingest/mosquitto-files.ts";
import { writeAtomically } from "./atomic-write.ts";
import type { CliIo } from "./io.ts";
import { configFrom, openGatewayStore, withDbFlags, type DbFlags } from "./open.ts";

interface MosquittoFlags extends DbFlags {
  passwords: string;
  acl: string;
}

export function registerMosquitto(program: Command, io: CliIo): void {
  withDbFlags(program.command("mosquitto"))
    .description("write an external Mosquitto's password file and ACL from the gateway's user and the flashed, unrevoked terminals")
    .requiredOption("--passwords <file>", "Mosquitto's password_file, e.g. /etc/mosquitto/loyalty.passwd")
    .requiredOption("--acl <file>", "Mosquitto's acl_file, e.g. /etc/mosquitto/loyalty.acl")
    .action((f: MosquittoFlags) => {
      const config = configFrom(f);
      const { username, password } = config.mqtt;
      if (!username || !password) {
        throw new GatewayError("config", "the gateway's own Mosquitto user needs mqtt.username and mqtt.password in its config (or LOYALTY_MQTT_USERNAME and LOYALTY_MQTT_PASSWORD): the gateway logs in with them");
      }
      if (!FILE_SAFE_USER.test(username)) throw new GatewayError("config", `mqtt.username '${username}': no spaces, ':' or '#' in a Mosquitto user name`);
      const store = openGatewayStore(f, "run loyalty mosquitto");
      try {
        const lines: PasswordLine[] = [{ user: username, hash: mosquittoHash(password) }];
        const unhashed: string[] = [];
        for (const c of store.credentials.inForce()) {
          if (c.serial === username) throw new GatewayError("conflict", `device ${c.serial} has the gateway's user name (mqtt.username); choose another one`);
          if (c.mosquittoHash === null) unhashed.push(c.serial);
          else lines.push({ user: c.serial, hash: c.mosquittoHash });
        }
        writeAtomically(f.passwords, passwordFile(lines), 0o600);
        writeAtomically(f.acl, aclFile(username, config.mqtt.topicPrefix), 0o644);
        io.out(`Wrote ${f.passwords} (the gateway's user ${username} and ${lines.length - 1} terminal${lines.length === 2 ? "" : "s"}) and ${f.acl}.\n`);
        if (unhashed.length > 0) {
          io.err(`Left out (flashed before the gateway kept Mosquitto hashes): ${unhashed.join(", ")}. Flash each again with loyalty flash --transport mqtt, then run this again.\n`);
        }
        io.out("Next: systemctl reload mosquitto (it reads both files again and drops revoked terminals).\n");
      } finally {
        store.close();
      }
    });
}
