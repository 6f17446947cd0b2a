/** A local HTTP receiver for webhooks: keeps each POSTed JSON body; `status` says what it answers (500 to fail). */
import { createServer } from "node:http";

export interface TestWebhook {
  url: string;
  bodies: { path: string; body: unknown }[];
  /** What each path answers (default 200). */
  status: Map<string, number>;
  close(): Promise<void>;
}

export async function startWebhook(): Promise<TestWebhook> {
  const bodies: TestWebhook["bodies"] = [];
  const status = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      bodies.push({ path, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown });
      res.writeHead(status.get(path) ?? 200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  if (!addr || typeof addr === "string") throw new Error("the webhook receiver has no port");
  return { url: `http://127.0.0.1:${addr.port}`, bodies, status, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
