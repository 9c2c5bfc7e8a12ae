/**
 * The reader worker: reads a capture file, parses it and finds the IP
 * packets, on its own thread, while the main thread tracks and prints.
 * Reading and parsing cost about as much as tracking, so doing them in
 * parallel is what keeps them from being the bottleneck.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { CaptureFormatError, CaptureParser } from "@alg-sdk/pcap";
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
  MAX_IN_FLIGHT,
  type SkippedRecord,
  type WorkerInput,
  type WorkerMessage,
} from "./batch.js";
import { LinkStage, UnsupportedLinkType } from "./link.js";
import { PacketInput } from "./packet-input.js";

const CHUNK = 256 * 1024;
/** One more buffer than batches in flight: the one being filled is never one the replay still reads. */
const RING = MAX_IN_FLIGHT + 1;

const { path, name, control } = workerData as WorkerInput;
const ctl = new Int32Array(control);
const port = parentPort!;
const ring = Array.from({ length: RING }, () => new Uint8Array(new SharedArrayBuffer(CHUNK)));

// The batch being built.
let chunk = ring[0]!;
let table = new Float64Array(1024 * FIELDS);
let count = 0;
let spill = new Uint8Array(4096);
let spilled = 0;
let skipped: SkippedRecord[] = [];
let linkTypes: string[] = [];
let fileBytes = 0;
let records = 0;

function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

/** Waits until fewer than MAX_IN_FLIGHT batches are unread; false when told to stop. */
function waitForRoom(): boolean {
  for (;;) {
    if (Atomics.load(ctl, C_STOP) !== 0) return false;
    const inFlight = Atomics.load(ctl, C_IN_FLIGHT);
    if (inFlight < MAX_IN_FLIGHT) return true;
    Atomics.wait(ctl, C_IN_FLIGHT, inFlight, 1000);
  }
}

/** Sends the batch of the current chunk (the table and spill move; the chunk is shared). */
function send(): void {
  if (count === 0 && linkTypes.length === 0) return;
  Atomics.add(ctl, C_IN_FLIGHT, 1);
  const t = table.subarray(0, count * FIELDS).slice();
  const s = spill.slice(0, spilled);
  post({ kind: "batch", chunk, spill: s, table: t, count, skipped, linkTypes, fileBytes, records }, [t.buffer, s.buffer]);
  count = 0;
  spilled = 0;
  skipped = [];
  linkTypes = [];
}

function row(): number {
  if ((count + 1) * FIELDS > table.length) {
    const bigger = new Float64Array(table.length * 2);
    bigger.set(table);
    table = bigger;
  }
  return count++ * FIELDS;
}

function add(p: PacketInput): void {
  const t = row();
  table[t + F_INDEX] = p.index;
  if (p.bytes.buffer === chunk.buffer) {
    table[t + F_WHERE] = 0;
    table[t + F_OFFSET] = p.bytes.byteOffset + p.offset;
  } else {
    // Assembled by the parser from two chunks: copy it along.
    if (spilled + p.length > spill.length) {
      const bigger = new Uint8Array(Math.max(spill.length * 2, spilled + p.length));
      bigger.set(spill.subarray(0, spilled));
      spill = bigger;
    }
    spill.set(p.bytes.subarray(p.offset, p.offset + p.length), spilled);
    table[t + F_WHERE] = 1;
    table[t + F_OFFSET] = spilled;
    spilled += p.length;
  }
  table[t + F_LENGTH] = p.length;
  table[t + F_SEC] = p.tsSec;
  table[t + F_NANOS] = p.tsNanos;
  table[t + F_SECONDS] = p.tsSeconds;
}

function skip(index: number, ts: number, reason: "not-ip" | "link-error", detail: string): void {
  const t = row();
  table[t + F_INDEX] = index;
  table[t + F_WHERE] = -1 - skipped.length;
  table[t + F_SECONDS] = ts;
  skipped.push({ index, ts, reason, detail });
}

function run(): void {
  const fd = openSync(path, "r");
  const parser = new CaptureParser();
  const input = new PacketInput();
  const link = new LinkStage(name, { skipped: skip, linkType: (n) => linkTypes.push(n) });
  const drain = (): WorkerMessage | null => {
    try {
      for (let r = parser.next(); r !== undefined; r = parser.next()) {
        records++;
        if (link.decode(r, input)) add(input);
      }
      return null;
    } catch (error) {
      if (error instanceof CaptureFormatError) {
        return { kind: "end", records, bytes: fileBytes, damage: { offset: error.offset, code: error.code, message: error.message } };
      }
      if (error instanceof UnsupportedLinkType) return { kind: "error", message: error.message };
      throw error;
    }
  };
  try {
    for (let n = 0; ; n++) {
      if (!waitForRoom()) return;
      chunk = ring[n % RING]!;
      const got = readSync(fd, chunk, 0, CHUNK, null);
      if (got === 0) break;
      fileBytes += got;
      // The parser keeps no view of a chunk once drained (a partial record is copied aside), so the ring is safe to reuse.
      parser.feed(chunk.subarray(0, got));
      const stop = drain();
      send();
      if (stop !== null) {
        post(stop);
        return;
      }
    }
    parser.close();
    const stop = drain();
    send();
    post(stop ?? { kind: "end", records, bytes: fileBytes, damage: null });
  } finally {
    closeSync(fd);
  }
}

try {
  run();
} catch (error) {
  const e = error as NodeJS.ErrnoException;
  const message = e?.syscall !== undefined ? `${name}: read failed: ${e.message}` : String(e?.message ?? error);
  post({ kind: e?.syscall !== undefined ? "error" : "fatal", message });
}
