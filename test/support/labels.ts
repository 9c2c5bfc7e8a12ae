import { readFileSync } from "node:fs";

/** One packet's verdict as recorded from the Linux kernel (the fields we compare). */
export interface LinuxLabel {
  index: number;
  label: "NEW" | "ESTABLISHED" | "RELATED" | "INVALID" | "UNTRACKED";
  ct_dir: "original" | "reply" | null;
  ct_expected: boolean | null;
  proto: string;
  step: string;
}

export function readLabels(path: string): LinuxLabel[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as LinuxLabel);
}
