/**
 * Code samples of the Markdown documentation: every fenced block, with its
 * language, its tags and where it starts.
 *
 * The info string is the language, then tags separated by blanks:
 * - `no-check`: a deliberate fragment (a signature, a sketch): neither
 *   compiled nor run;
 * - `no-run`: TypeScript/JavaScript that is type-checked but not run; shell
 *   commands that are not run (placeholder file names, live capture).
 */
export interface Sample {
  /** The Markdown file, relative to the repository root. */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** 1-based line of the sample's first line. */
  readonly firstLine: number;
  readonly language: string;
  readonly tags: readonly string[];
  readonly code: string;
}

export type SampleKind = "typescript" | "javascript" | "shell" | "console" | "json" | "other";

const KINDS: Record<string, SampleKind> = {
  ts: "typescript",
  typescript: "typescript",
  tsx: "typescript",
  mts: "typescript",
  js: "javascript",
  javascript: "javascript",
  mjs: "javascript",
  sh: "shell",
  bash: "shell",
  shell: "shell",
  console: "console",
  json: "json",
};

/** What a sample is checked as, from its language. */
export function kindOf(sample: Sample): SampleKind {
  return KINDS[sample.language.toLowerCase()] ?? "other";
}

/** True when the sample is marked as a deliberate fragment. */
export const unchecked = (sample: Sample): boolean => sample.tags.includes("no-check");

/** True when the sample is checked but must not be run. */
export const notRun = (sample: Sample): boolean => sample.tags.includes("no-run") || unchecked(sample);

/**
 * The fenced code blocks of a Markdown text (``` or ~~~, indented or not, as
 * in a list item). The code is given without the fence's indentation.
 */
export function extractSamples(file: string, markdown: string): Sample[] {
  const samples: Sample[] = [];
  const lines = markdown.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const fence = open[2]!;
    const [language = "", ...tags] = open[3]!.trim().split(/\s+/).filter((w) => w !== "");
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = new RegExp(`^\\s*${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`);
      if (close.test(lines[j]!)) break;
      body.push(lines[j]!.slice(Math.min(indent, lines[j]!.length - lines[j]!.trimStart().length)));
    }
    samples.push({ file, line: i + 1, firstLine: i + 2, language, tags, code: body.join("\n") });
    i = j;
  }
  return samples;
}

/** One command of a shell sample: the text to run and the line it starts on. */
export interface ShellCommand {
  readonly command: string;
  readonly line: number;
}

/**
 * The `alg-sdk` commands of a shell sample (`alg-sdk …`, `npx alg-sdk …`,
 * `node cli/dist/bin.js …`), with `\` continuations joined and trailing
 * comments removed. Other commands (npm, sudo tcpdump | …) are not ours to run.
 */
export function algSdkCommands(sample: Sample): ShellCommand[] {
  const commands: ShellCommand[] = [];
  const lines = sample.code.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let text = lines[i]!;
    while (text.endsWith("\\") && i + 1 < lines.length) text = `${text.slice(0, -1)} ${lines[++i]!.trim()}`;
    const command = withoutComment(text).trim();
    if (/^(npx )?alg-sdk(\s|$)|^node cli\/(dist\/bin|bin\/alg-sdk)\.js(\s|$)/.test(command)) {
      commands.push({ command, line: sample.firstLine + start });
    }
  }
  return commands;
}

/** A shell line without its trailing `# comment` (a `#` outside quotes, after a blank). */
function withoutComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}

/** One step of a console transcript: a `$ command` and the output shown under it. */
export interface TranscriptStep {
  readonly command: string;
  readonly line: number;
  readonly output: readonly string[];
}

/** The steps of a `console` sample: every `$ ` line and the lines up to the next. */
export function transcript(sample: Sample): TranscriptStep[] {
  const steps: { command: string; line: number; output: string[] }[] = [];
  sample.code.split("\n").forEach((text, i) => {
    if (text.startsWith("$ ")) steps.push({ command: withoutComment(text.slice(2)).trim(), line: sample.firstLine + i, output: [] });
    else steps.at(-1)?.output.push(text);
  });
  return steps;
}

/**
 * Where the shown output differs from the real one: the shown lines must
 * appear in the real output in the same order (other lines may come between).
 * A line that is only `...` (or `…`) stands for lines left out, and `…`
 * inside a line for any text. Trailing blanks do not count. Returns the first
 * shown line not found, or null when all are.
 */
export function missingOutput(shown: readonly string[], real: string): string | null {
  const actual = real.split("\n").map((l) => l.trimEnd());
  let at = 0;
  for (const line of shown) {
    const want = line.trimEnd();
    if (want === "" || /^\s*(\.\.\.|…)$/.test(want)) continue;
    const pattern = new RegExp(`^${want.split("…").map(escapeRegExp).join(".*")}$`);
    while (at < actual.length && !pattern.test(actual[at]!)) at++;
    if (at === actual.length) return want;
    at++;
  }
  return null;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
