/**
 * Who may do what on the embedded broker (docs/protocol.md "MQTT", "Who may connect"): every client is a device
 * that logs in with its serial as username and its own secret as password, under the client id `lb-<serial>`; it
 * may publish only to its own `up` and `state` topics (retained only on `state`) and subscribe only to its own
 * `down` topic. Anonymous clients, wrong secrets and other client ids are refused, on loopback too; the gateway's
 * own client id and topics are nobody's (the gateway itself is in the broker's process and is no client).
 */
import type { AuthenticateError, Client, PublishPacket, Subscription } from "aedes";
import { downTopic, deviceStateTopic, upTopic } from "../../protocol/topics.ts";
import type { Logger } from "../log.ts";

/** True when `secret` is the current, unrevoked credential of device `serial` (the gateway: the database's). */
export type CheckCredential = (serial: string, secret: Buffer) => boolean;

export interface AccessOptions {
  prefix: string;
  check: CheckCredential;
  /** The gateway's MQTT client id, refused to any client (config `mqtt.clientId`). */
  gatewayClientId: string;
  log: Logger;
}

/** The serial a client logged in with (set once authenticated). */
const serials = new WeakMap<Client, { serial: string; secret: Buffer }>();

/** The device a connected client authenticated as, and the secret it used (for the periodic re-check). */
export const loginOf = (client: Client) => serials.get(client);

const refused = (code: 2 | 4 | 5, message: string): AuthenticateError => Object.assign(new Error(message), { returnCode: code }) as AuthenticateError;

const ID_PREFIX = "lb-";

export function brokerAccess(o: AccessOptions) {
  return {
    authenticate(client: Client, username: string | undefined, password: Buffer | undefined, done: (err: AuthenticateError | null, ok: boolean | null) => void) {
      const id = client.id;
      let why: AuthenticateError | undefined;
      if (id === o.gatewayClientId) why = refused(2, `client id ${id} is the gateway's`);
      else if (!username || !password) why = refused(4, "no username and password (anonymous clients are refused)");
      else if (id !== ID_PREFIX + username) why = refused(2, `client id ${id} is not ${ID_PREFIX}${username}`);
      else if (!o.check(username, password)) why = refused(4, `no valid credential for device ${username} (never flashed with one, revoked, or a wrong secret)`);
      if (why) {
        o.log.warn({ client: id, username, reason: why.message }, "MQTT connection refused");
        return done(why, false);
      }
      serials.set(client, { serial: username as string, secret: Buffer.from(password as Buffer) });
      done(null, true);
    },
    authorizePublish(client: Client | null, packet: PublishPacket, done: (err?: Error | null) => void) {
      const who = client && serials.get(client);
      const t = packet.topic;
      if (who && (t === upTopic(o.prefix, who.serial) ? !packet.retain : t === deviceStateTopic(o.prefix, who.serial))) return done(null);
      o.log.warn({ client: client?.id, topic: t, retain: packet.retain }, "MQTT publish refused");
      done(new Error(`publish to ${t} refused`));
    },
    authorizeSubscribe(client: Client, sub: Subscription, done: (err: Error | null, sub?: Subscription | null) => void) {
      const who = serials.get(client);
      if (who && sub.topic === downTopic(o.prefix, who.serial)) return done(null, sub);
      o.log.warn({ client: client.id, topic: sub.topic }, "MQTT subscription refused");
      /* null: SUBACK 0x80 for this topic, the connection stays (MQTT 3.1.1 section 3.9.3). */
      done(null, null);
    },
  };
}
