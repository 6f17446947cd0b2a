/**
 * A real PostgreSQL for tests and benchmarks (Debian's package, no system service): `initdb` in a temporary
 * folder, `pg_ctl start` on a free loopback port with its socket in that folder, `stop()` removes it all.
 * PostgreSQL refuses to run as root; as root the server runs as the `postgres` user the package creates.
 */
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import pg from "pg";
import { freePort } from "./mosquitto.ts";
import { waitFor } from "./wait.ts";

export interface Postgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  /** Stops the server (fast shutdown) and removes its folder. */
  stop(): Promise<void>;
  /** A backup of the database: `pg_dump` in its custom format to `file`. */
  dump(file: string): void;
  /** Restores the database from a dump (`pg_restore --clean`): what is not in the dump is gone. No one may be connected. */
  restore(file: string): void;
}

/** The folder of `initdb`, `pg_ctl` and `postgres`: on PATH, else the newest /usr/lib/postgresql/<version>/bin. */
export function postgresBinDir(): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl"))) return dir;
  }
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions[0] === undefined) throw new Error("PostgreSQL is not installed: no initdb on PATH or under /usr/lib/postgresql/*/bin (apt-get install postgresql)");
  return join(root, versions[0], "bin");
}

/** Runs a PostgreSQL client program (it connects over TCP, so it needs no other user). */
function client(bin: string, args: string[]): void {
  try {
    execFileSync(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`${bin} failed: ${(err.stderr?.toString() || err.message).trim()}`);
  }
}

/** Runs a PostgreSQL program, as the `postgres` user when this process is root. */
function run(bin: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const [cmd, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
  try {
    execFileSync(cmd, argv, { stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as { stderr?: Buffer; stdout?: Buffer; message: string };
    throw new Error(`${bin} ${args[0]} failed: ${(err.stderr?.toString() || err.stdout?.toString() || err.message).trim()}`);
  }
}

export async function startPostgres(): Promise<Postgres> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), "lb-pg-"));
  const data = join(dir, "data");
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(dir, uid, gid);
  }
  run(join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C"]);
  const port = await freePort();
  run(join(bin, "pg_ctl"), ["start", "-D", data, "-w", "-l", join(dir, "server.log"), "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  /* pg_dump and pg_restore of the server's own version: beside the real initdb (a PATH entry may be a link to it). */
  const clients = dirname(realpathSync(join(bin, "initdb")));
  await waitFor("PostgreSQL to accept connections", async () => {
    const c = new pg.Client({ connectionString: url });
    try {
      await c.connect();
      await c.end();
      return true;
    } catch {
      return false;
    }
  });
  return {
    url,
    port,
    dump: (file) => client(join(clients, "pg_dump"), ["--format=custom", "--file", file, url]),
    restore: (file) => client(join(clients, "pg_restore"), ["--clean", "--if-exists", "--single-transaction", "--dbname", url, file]),
    stop: async () => {
      try {
        run(join(bin, "pg_ctl"), ["stop", "-D", data, "-m", "fast", "-w"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
