import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { CliError, ExitCode, InputError } from "../errors.js";
import {
  C_IN_FLIGHT,
  C_STOP,
  F_INDEX,
  F_LENGTH,
  F_NANOS,
  F_OFFSET,
  F_SEC,
  F_SECONDS,
  F_WHERE,
  FIELDS,
  type WorkerInput,
  type WorkerMessage,
} from "./batch.js";
import { PacketInput, type PacketHooks, type ReadResult } from "./packet-input.js";

/** The built worker script, next to the bundle that contains this code. */
const WORKER = new URL("./read-worker.js", import.meta.url);

/** False when running from the TypeScript sources (tests), where there is no built worker. */
export function workerAvailable(): boolean {
  return WORKER.protocol === "file:" && existsSync(fileURLToPath(WORKER));
}

/**
 * Reads a capture file in a worker thread (read-worker.ts) and feeds its
 * packets to the hooks here, in order. The worker starts at construction,
 * so it boots and reads ahead while the command is still setting up; it
 * never gets more than a few batches ahead (shared counter), so memory
 * stays flat.
 */
export class WorkerReader {
  private readonly ctl: Int32Array;
  private readonly worker: Worker;
  private readonly messages: MessageQueue;

  constructor(
    path: string,
    private readonly name: string,
  ) {
    const control = new SharedArrayBuffer(8);
    this.ctl = new Int32Array(control);
    const data: WorkerInput = { path, name, control };
    this.worker = new Worker(WORKER, { workerData: data });
    this.messages = new MessageQueue(this.worker);
  }

  async read(hooks: PacketHooks): Promise<ReadResult> {
    const ctl = this.ctl;
    const input = new PacketInput();
    let delivered = 0;
    let fileBytes = 0;
    try {
      for (;;) {
        const m = await this.messages.next();
        switch (m.kind) {
          case "batch": {
            for (const t of m.linkTypes) hooks.linkType(t);
            deliver(m, input, hooks);
            delivered = m.records;
            fileBytes = m.fileBytes;
            Atomics.sub(ctl, C_IN_FLIGHT, 1);
            Atomics.notify(ctl, C_IN_FLIGHT);
            const wait = hooks.chunk?.(fileBytes, delivered);
            if (wait) await wait;
            if (hooks.stopped?.()) return { records: delivered, bytes: fileBytes, damage: null };
            break;
          }
          case "end":
            return { records: m.records, bytes: m.bytes, damage: m.damage };
          case "error":
            throw new InputError(m.message);
          case "fatal":
            throw new CliError(`${this.name}: capture reader failed: ${m.message}`, ExitCode.INTERNAL);
        }
      }
    } finally {
      await this.cancel();
    }
  }

  /** Stops the worker (also when the command fails before reading). */
  async cancel(): Promise<void> {
    Atomics.store(this.ctl, C_STOP, 1);
    Atomics.notify(this.ctl, C_IN_FLIGHT);
    this.messages.close();
    await this.worker.terminate();
  }
}

function deliver(m: Extract<WorkerMessage, { kind: "batch" }>, input: PacketInput, hooks: PacketHooks): void {
  const t = m.table;
  for (let i = 0, o = 0; i < m.count; i++, o += FIELDS) {
    const where = t[o + F_WHERE]!;
    if (where < 0) {
      const s = m.skipped[-1 - where]!;
      hooks.skipped(s.index, s.ts, s.reason, s.detail);
      continue;
    }
    input.bytes = where === 0 ? m.chunk : m.spill;
    input.index = t[o + F_INDEX]!;
    input.offset = t[o + F_OFFSET]!;
    input.length = t[o + F_LENGTH]!;
    input.tsSec = t[o + F_SEC]!;
    input.tsNanos = t[o + F_NANOS]!;
    input.tsSeconds = t[o + F_SECONDS]!;
    hooks.packet(input);
  }
}

/** The worker's messages as a queue to await, with its crash as an error. */
class MessageQueue {
  private readonly ready: WorkerMessage[] = [];
  private waiting: { resolve: (m: WorkerMessage) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;
  private closed = false;

  constructor(worker: Worker) {
    worker.on("message", (m: WorkerMessage) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w.resolve(m);
      } else this.ready.push(m);
    });
    const fail = (e: Error) => {
      if (this.closed) return;
      this.failure = e;
      this.waiting?.reject(e);
      this.waiting = null;
    };
    worker.on("error", (e) => fail(new CliError(`capture reader failed: ${e.message}`, ExitCode.INTERNAL)));
    worker.on("exit", (code) => fail(new CliError(`capture reader stopped unexpectedly (exit ${code})`, ExitCode.INTERNAL)));
  }

  /** Ignores the worker's exit from now on (we terminate it). */
  close(): void {
    this.closed = true;
  }

  next(): Promise<WorkerMessage> {
    const m = this.ready.shift();
    if (m !== undefined) return Promise.resolve(m);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }
}
