import { takeEarlyReader } from "./early.js";
import type { CaptureInput } from "./open.js";
import type { PacketHooks, ReadResult } from "./packet-input.js";
import { readHere } from "./read-here.js";
import { workerAvailable, WorkerReader } from "./read-in-worker.js";
import { WORKER_THRESHOLD } from "./threshold.js";

/**
 * A capture being read: started as soon as the file is known to be
 * readable, consumed once by the replay.
 */
export interface CaptureReader {
  readonly input: CaptureInput;
  read(hooks: PacketHooks): Promise<ReadResult>;
  /** Releases the reader when the command fails before reading. */
  cancel(): Promise<void>;
}

/**
 * Starts reading `input`: a large regular file in a worker thread (parsing
 * then runs in parallel with tracking), anything else on this thread
 * (`--worker` / `--no-worker` force the choice for regular files). A worker
 * the executable already started for this file (early.ts) is taken over.
 */
export function startReader(input: CaptureInput, mode: "auto" | "always" | "never"): CaptureReader {
  const early = input.path === null ? null : takeEarlyReader(input.path);
  if (early !== null && mode !== "never") return fromWorker(input, early);
  if (early !== null) void early.cancel();
  const big = input.size !== null && input.size >= WORKER_THRESHOLD;
  if ((mode === "always" || (mode === "auto" && big)) && input.path !== null && workerAvailable()) {
    return fromWorker(input, new WorkerReader(input.path, input.name));
  }
  return { input, read: (hooks) => readHere(input.name, input.chunks(), hooks), cancel: async () => undefined };
}

function fromWorker(input: CaptureInput, worker: WorkerReader): CaptureReader {
  return { input, read: (hooks) => worker.read(hooks), cancel: () => worker.cancel() };
}
