#!/usr/bin/env node
// The `loyalty` command: runs the TypeScript CLI through tsx (no build step).
import { register } from "tsx/esm/api";

register();
const { main } = await import("../gateway/cli/main.ts");
process.exitCode = await main(process.argv);
