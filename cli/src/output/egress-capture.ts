import { createWriteStream, type WriteStream } from "node:fs";
import { LinkType, PcapWriter } from "@alg-sdk/pcap";
import { CliError, ExitCode, UsageError } from "../errors.js";

/** Bytes of pcap output gathered before they go to the file (the capture's own chunk is 256 KiB too). */
const CHUNK = 256 * 1024;

/**
 * `--write FILE`: every packet as it leaves the engine (NAT applied; dropped
 * and held packets absent), as a raw-IP pcap with nanosecond timestamps, so
 * the input's times are kept exactly. Written as the replay goes, one chunk
 * of the capture at a time, pausing the replay when the disk falls behind.
 */
export class EgressCapture {
  private readonly writer = new PcapWriter({ linkType: LinkType.RAW, nanosecond: true, chunkSize: CHUNK });
  private failure: Error | null = null;

  private constructor(
    readonly path: string,
    private readonly stream: WriteStream,
  ) {
    stream.on("error", (error) => (this.failure ??= error));
  }

  /** Creates (or truncates) the file; a path that cannot be written is the command line's mistake. */
  static async open(path: string): Promise<EgressCapture> {
    const stream = createWriteStream(path);
    await new Promise<void>((resolve, reject) => {
      stream.once("open", () => resolve());
      stream.once("error", (error) => reject(new UsageError(`--write ${path}: ${whyNotWritable(error)}`)));
    });
    return new EgressCapture(path, stream);
  }

  /** Appends one datagram (copied now: the engine may reuse its buffer for the next packet). */
  packet(bytes: Uint8Array, offset: number, length: number, tsSec: number, tsNanos: number): void {
    this.writer.writePacket(bytes.subarray(offset, offset + length), tsSec, tsNanos);
  }

  /** Hands what was written to the file; a promise when the file asks the replay to wait. */
  flush(): Promise<void> | null {
    let room = true;
    for (const chunk of this.writer.flush()) room = this.stream.write(chunk) && room;
    if (room || this.failure !== null) return null;
    return new Promise((resolve) => {
      const done = () => {
        this.stream.off("drain", done);
        this.stream.off("error", done);
        resolve();
      };
      this.stream.on("drain", done);
      this.stream.on("error", done);
    });
  }

  /** Writes the rest and closes the file; throws if anything failed to reach it. */
  async close(): Promise<void> {
    this.flush();
    await new Promise<void>((resolve) => this.stream.end(() => resolve()));
    if (this.failure !== null) throw new CliError(`--write ${this.path}: cannot write: ${this.failure.message}`, ExitCode.INPUT);
  }
}

function whyNotWritable(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "ENOENT":
      return "no such directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory, not a file";
    default:
      return `cannot write: ${error.message}`;
  }
}
