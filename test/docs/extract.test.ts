import { describe, expect, it } from "vitest";
import { algSdkCommands, extractSamples, kindOf, missingOutput, notRun, transcript, unchecked } from "./extract.js";

const md = [
  "# Title",
  "",
  "```ts no-run",
  "const a = 1;",
  "```",
  "",
  "- a list item:",
  "",
  "  ```sh",
  "  npm ci",
  "  alg-sdk replay x.pcap   # a comment",
  "  npx alg-sdk verify a.pcap \\",
  "    b.jsonl",
  "  sudo tcpdump -w - | alg-sdk watch",
  "  ```",
  "",
  "```console",
  "$ alg-sdk replay nope.pcap",
  "alg-sdk: error: nope.pcap: no such file",
  "```",
  "",
  "```ts no-check",
  "f({ a?: number });",
  "```",
].join("\n");

describe("documentation sample extraction", () => {
  const samples = extractSamples("x.md", md);

  it("finds every fenced block, its language, tags, line and code (indentation removed)", () => {
    expect(samples.map((s) => [s.line, s.language, s.tags])).toEqual([
      [3, "ts", ["no-run"]],
      [9, "sh", []],
      [17, "console", []],
      [22, "ts", ["no-check"]],
    ]);
    expect(samples[1]!.code.split("\n")[0]).toBe("npm ci");
    expect(samples.map(kindOf)).toEqual(["typescript", "shell", "console", "typescript"]);
    expect(samples.map((s) => [notRun(s), unchecked(s)])).toEqual([
      [true, false],
      [false, false],
      [false, false],
      [true, true],
    ]);
  });

  it("runs only alg-sdk commands, continuations joined, comments dropped", () => {
    expect(algSdkCommands(samples[1]!)).toEqual([
      { command: "alg-sdk replay x.pcap", line: 11 },
      { command: "npx alg-sdk verify a.pcap  b.jsonl", line: 12 },
    ]);
  });

  it("reads a transcript's commands and output", () => {
    expect(transcript(samples[2]!)).toEqual([{ command: "alg-sdk replay nope.pcap", line: 18, output: ["alg-sdk: error: nope.pcap: no such file"] }]);
  });

  it("compares shown output with the real one: in order, with elisions", () => {
    const real = "one\ntwo  \nthree\nfour 4.5 s\nfive";
    expect(missingOutput(["one", "...", "three", "four … s"], real)).toBeNull();
    expect(missingOutput(["three", "two"], real)).toBe("two");
    expect(missingOutput(["four 5 s"], real)).toBe("four 5 s");
    expect(missingOutput(["tw"], real)).toBe("tw");
  });
});
