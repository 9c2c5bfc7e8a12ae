import { CaptureFormatError, CaptureParser } from "@alg-sdk/pcap";
import { InputError } from "../errors.js";
import { LinkStage, UnsupportedLinkType } from "./link.js";
import { PacketInput, type CaptureDamage, type PacketHooks, type ReadResult } from "./packet-input.js";

/**
 * Reads a capture on this thread: chunks through the pcap parser and the
 * link-layer step into the hooks. Only one chunk and at most one partial
 * record are held, so memory stays flat whatever the size; the records of
 * a chunk are handled in a plain loop, one `await` per chunk, not per packet.
 * Used for standard input (watch, `replay -`); files are read by a worker
 * (read-worker.ts) unless `--no-worker`.
 */
export async function readHere(name: string, chunks: AsyncIterable<Uint8Array>, hooks: PacketHooks): Promise<ReadResult> {
  const parser = new CaptureParser();
  const link = new LinkStage(name, hooks);
  const input = new PacketInput();
  let bytes = 0;
  let records = 0;
  const drain = (): CaptureDamage | null => {
    try {
      for (let r = parser.next(); r !== undefined; r = parser.next()) {
        records++;
        if (link.decode(r, input)) hooks.packet(input);
      }
      return null;
    } catch (error) {
      if (error instanceof CaptureFormatError) return { offset: error.offset, code: error.code, message: error.message };
      if (error instanceof UnsupportedLinkType) throw new InputError(error.message);
      throw error;
    }
  };
  try {
    for await (const chunk of chunks) {
      bytes += chunk.length;
      parser.feed(chunk);
      const damage = drain();
      if (damage) return { records, bytes, damage };
      const wait = hooks.chunk?.(bytes, records);
      if (wait) await wait;
      if (hooks.stopped?.()) return { records, bytes, damage: null };
    }
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (typeof e?.code === "string" && e.syscall !== undefined) throw new InputError(`${name}: read failed: ${e.message}`);
    throw error;
  }
  parser.close();
  return { records, bytes, damage: drain() };
}
