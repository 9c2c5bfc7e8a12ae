import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createInterface } from "node:readline";
import { describeFileError, InputError } from "../errors.js";

/** One packet's verdict as Linux recorded it (the fields verify compares). */
export interface Label {
  readonly label: "NEW" | "ESTABLISHED" | "RELATED" | "INVALID" | "UNTRACKED";
  readonly dir: "original" | "reply" | null;
  readonly expected: boolean | null;
}

const LABELS = new Set(["NEW", "ESTABLISHED", "RELATED", "INVALID", "UNTRACKED"]);

/**
 * Reads a labels file in the format of the conformance traces: one JSON
 * object per line with `index`, `label`, `ct_dir`, `ct_expected` (other
 * fields are ignored). Read line by line; a mistake is reported with its
 * line number.
 */
export async function readLabels(path: string): Promise<Map<number, Label>> {
  try {
    await (await open(path, "r")).close();
  } catch (error) {
    throw new InputError(describeFileError(path, error));
  }
  const labels = new Map<number, Label>();
  const lines = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  let n = 0;
  for await (const text of lines) {
    n++;
    if (text.trim() === "") continue;
    const at = `${path}:${n}`;
    let v: Record<string, unknown>;
    try {
      v = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new InputError(`${at}: not a JSON object: ${(error as Error).message}`);
    }
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw new InputError(`${at}: not a JSON object`);
    const index = v.index;
    if (typeof index !== "number" || !Number.isSafeInteger(index) || index < 0) {
      throw new InputError(`${at}: "index" must be a packet number (0 or more), got ${JSON.stringify(index)}`);
    }
    if (labels.has(index)) throw new InputError(`${at}: packet ${index} is labelled twice`);
    const label = v.label;
    if (typeof label !== "string" || !LABELS.has(label)) {
      throw new InputError(`${at}: "label" must be one of ${[...LABELS].join(", ")}, got ${JSON.stringify(label)}`);
    }
    const dir = v.ct_dir ?? null;
    if (dir !== null && dir !== "original" && dir !== "reply") {
      throw new InputError(`${at}: "ct_dir" must be "original", "reply" or null, got ${JSON.stringify(dir)}`);
    }
    const expected = v.ct_expected ?? null;
    if (expected !== null && typeof expected !== "boolean") {
      throw new InputError(`${at}: "ct_expected" must be true, false or null, got ${JSON.stringify(expected)}`);
    }
    labels.set(index, { label: label as Label["label"], dir, expected });
  }
  return labels;
}
