import type { CliOptions } from "../args.js";
import { openCapture } from "../capture/open.js";
import type { CaptureReader } from "../capture/reader.js";
import { startReader } from "../capture/reader.js";
import { setUp, type Setup } from "../engine-setup.js";
import type { Io } from "../io.js";

/**
 * Opens the capture and starts reading it before the helpers and rules load
 * (the two overlap); a setup error cancels the reader. Shared by replay and
 * verify.
 */
export async function startCapture(o: CliOptions, io: Io): Promise<{ reader: CaptureReader; setup: Setup; size: number | null }> {
  const input = await openCapture(o.capture!, io.stdin, { stderr: io.stderr, inputTimeout: o.inputTimeout });
  const reader = startReader(input, o.worker);
  const setup = await setUp(o).catch(async (error: unknown) => {
    await reader.cancel();
    throw error;
  });
  return { reader, setup, size: input.size };
}
