/**
 * `npm run docs:screenshots [-- --out <folder>]`: starts the demo gateway on a temporary database and free ports,
 * signs in as its admin and saves the web app's pages as PNGs (default docs/web/, which docs/web.md shows), so the
 * pictures in the docs stay true. Needs /usr/bin/chromium (or CHROMIUM_PATH) and what the demo needs (docs/demo.md).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "../gateway/testkit/chromium.ts";
import { startDemoGateway } from "./screenshots/demo-gateway.ts";
import { takeScreenshots } from "./screenshots/shoot.ts";

/** The demo gateway, the browser and the shots into `outDir`; everything started is stopped and the database removed. */
export async function docsScreenshots(outDir: string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "lb-shots-"));
  try {
    const gw = await startDemoGateway(dir);
    try {
      const browser = await launchChromium();
      try {
        return await takeScreenshots({ browser, url: gw.url, password: gw.password, yesterday: gw.yesterday, outDir });
      } finally {
        await browser.close();
      }
    } finally {
      await gw.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf("--out");
  const out = at > 0 && process.argv[at + 1] ? process.argv[at + 1]! : fileURLToPath(new URL("../docs/web/", import.meta.url));
  docsScreenshots(out).then(
    (files) => console.log(files.map((f) => `wrote ${relative(process.cwd(), f)}`).join("\n")),
    (e: unknown) => {
      console.error(`docs:screenshots failed: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
