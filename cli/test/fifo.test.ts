import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// `alg-sdk replay` of a FIFO (named pipe) as a user runs it: the built
// executable, a real FIFO made with mkfifo. Opening a FIFO for reading blocks
// until a program opens it for writing; the CLI must say what it waits for
// and, with --input-timeout, give up instead of hanging forever.
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const bin = here("../dist/bin.js");
const built = existsSync(bin);
const capture = here("../../examples/captures/ftp-active-passive.pcap");
const mkfifo = spawnSync("mkfifo", ["--version"]).status === 0;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Runs the CLI; `feed(child)` may write to the FIFO while it runs. Killed after 30 s. */
function cli(args: string[], feed?: () => void, stdin: "ignore" | "pipe" = "ignore"): Promise<Run> {
  return new Promise((resolve) => {
    const start = Date.now();
    const child = spawn(process.execPath, [bin, ...args], { stdio: [stdin, "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (/still waiting/.test(stderr)) feed?.();
    });
    const kill = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("close", (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr, seconds: (Date.now() - start) / 1000 });
    });
  });
}

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "alg-sdk-fifo-test-"));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function fifo(name: string): string {
  const path = join(dir, name);
  expect(spawnSync("mkfifo", [path]).status).toBe(0);
  return path;
}

describe.skipIf(!mkfifo || (!built && !process.env.CI))("replay of a FIFO (built bin, real mkfifo)", () => {
  it("with no writer and --input-timeout: one clear error line and exit 3 after the timeout, not a hang", async () => {
    const path = fifo("no-writer");
    const r = await cli(["replay", "--input-timeout", "1", path]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("");
    const lines = r.stderr.split("\n").filter((l) => l !== "");
    expect(lines).toEqual([`alg-sdk: error: ${path}: no data for 1 s (--input-timeout): it is a FIFO and no program has written to it (none may have opened it for writing)`]);
    expect(r.seconds).toBeGreaterThanOrEqual(0.9);
    expect(r.seconds).toBeLessThan(15);
  });

  it("without a timeout it says on stderr what it waits for, then replays what a late writer sends", async () => {
    const path = fifo("late-writer");
    // The writer comes only once the notice was printed (after 5 s of silence).
    const r = await cli(["replay", "--format", "jsonl", path], () => writeFileSync(path, readFileSync(capture)));
    expect(r.stderr).toBe(
      `alg-sdk: still waiting for data from ${path}: it is a FIFO and no program has written to it (none may have opened it for writing); --input-timeout SECONDS gives up instead of waiting\n`,
    );
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { type: string });
    expect(lines.filter((l) => l.type === "packet")).toHaveLength(123);
    expect(r.seconds).toBeGreaterThanOrEqual(4.5);
  });

  it("standard input that stays open and silent gives up the same way", async () => {
    const r = await cli(["replay", "--input-timeout", "1", "-"], undefined, "pipe");
    expect(r.code).toBe(3);
    expect(r.stderr).toBe("alg-sdk: error: standard input: no data for 1 s (--input-timeout): it is open but nothing has been written to it\n");
  });

  it("a FIFO the user may not read is reported at once, without waiting", async () => {
    if (process.getuid?.() === 0) return; // root reads anything
    const path = fifo("unreadable");
    spawnSync("chmod", ["000", path]);
    const r = await cli(["replay", path]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`alg-sdk: error: ${path}: permission denied\n`);
    expect(r.seconds).toBeLessThan(5);
  });
});
