/**
 * The pages' files, served by the gateway itself (no CDN: the store's LAN may have no internet): htmx and Chart.js
 * from node_modules, the stylesheet from this folder. A fixed list, so no path from a request reaches the disk.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";

const require = createRequire(import.meta.url);
const FILES: Record<string, { path: () => string; type: string }> = {
  "htmx.min.js": { path: () => join(dirname(require.resolve("htmx.org/package.json")), "dist", "htmx.min.js"), type: "text/javascript; charset=utf-8" },
  "chart.umd.min.js": { path: () => join(dirname(require.resolve("chart.js")), "chart.umd.min.js"), type: "text/javascript; charset=utf-8" },
  "dash.js": { path: () => fileURLToPath(new URL("./assets/dash.js", import.meta.url)), type: "text/javascript; charset=utf-8" },
  "review-desk.js": { path: () => fileURLToPath(new URL("./assets/review-desk.js", import.meta.url)), type: "text/javascript; charset=utf-8" },
  "app.css": { path: () => fileURLToPath(new URL("./assets/app.css", import.meta.url)), type: "text/css; charset=utf-8" },
};

export function assetRoutes(app: FastifyInstance): void {
  const cache = new Map<string, Buffer>();
  app.get("/assets/:name", { config: { web: true } }, async (req, reply) => {
    const name = (req.params as { name: string }).name;
    const f = FILES[name];
    if (!f) return reply.code(404).type("text/plain; charset=utf-8").send(`no asset ${name}`);
    let body = cache.get(name);
    if (!body) cache.set(name, (body = readFileSync(f.path())));
    return reply.type(f.type).header("cache-control", "public, max-age=3600").send(body);
  });
}
