#!/usr/bin/env node
/**
 * The `alg-sdk` executable. Everything is loaded through a dynamic import
 * so that even a broken installation (a missing @alg-sdk package) ends in
 * one error line rather than the module loader's stack trace. A large
 * capture's reader thread is started first, so it boots while the rest
 * loads (capture/early.ts).
 */
import { startEarlyReader } from "./capture/early.js";

startEarlyReader(process.argv.slice(2));
try {
  const { run } = await import("./main.js");
  process.exitCode = await run(process.argv.slice(2));
} catch (error) {
  const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
  process.stderr.write(`alg-sdk: cannot start: ${message}\n`);
  process.exitCode = 4;
}
