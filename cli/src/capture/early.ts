import { statSync } from "node:fs";
import { parseArgs } from "node:util";
import { OPTIONS } from "../options-table.js";
import { WORKER_THRESHOLD } from "./threshold.js";
import { workerAvailable, WorkerReader } from "./read-in-worker.js";

/**
 * Starts the reader worker for `replay` / `verify` of a large file before
 * the rest of the program is even loaded. Loading the engine and its
 * helpers takes a quarter of a second, and a worker thread about as long to
 * boot: done one after the other, they add up before the first packet.
 * Here they overlap. The command later takes the worker with
 * {@link takeEarlyReader} (or it is cancelled): nothing else changes.
 */
let early: { path: string; reader: WorkerReader } | null = null;

/** Never throws: anything unusual is left to the command, which reports it properly. */
export function startEarlyReader(argv: readonly string[]): void {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: false });
    const [command, path] = positionals;
    if ((command !== "replay" && command !== "verify") || typeof path !== "string" || path === "-") return;
    if (values["no-worker"] === true || values.help === true || values.version === true) return;
    const info = statSync(path);
    if (!info.isFile() || (values.worker !== true && info.size < WORKER_THRESHOLD) || !workerAvailable()) return;
    early = { path, reader: new WorkerReader(path, path) };
  } catch {
    early = null;
  }
}

/** The worker started for `path`, if any (taken once). */
export function takeEarlyReader(path: string): WorkerReader | null {
  if (early === null || early.path !== path) return null;
  const reader = early.reader;
  early = null;
  return reader;
}

/** Stops a worker no command took (the command line was wrong). */
export async function cancelEarlyReader(): Promise<void> {
  const e = early;
  early = null;
  if (e) await e.reader.cancel();
}
