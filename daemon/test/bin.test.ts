import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The built executable, as a user runs it (npm test builds first).
const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 20_000 });

describe.skipIf(!existsSync(BIN) && !process.env.CI)("alg-sdk-daemon executable", () => {
  it("prints its usage and version", () => {
    const help = run("--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--helper-module SPEC/);
    expect(help.stdout).toMatch(/--tracker-module SPEC/);
    expect(run("--version").stdout.trim()).toBe(`alg-sdk-daemon ${(JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version}`);
  });

  it("exits 2 with one line for a usage mistake, before touching the kernel", () => {
    for (const args of [["--bogus"], [], ["--helper", "ftp", "--mode", "magic"], ["--helper", "ftp", "--helper-options", "nope"], ["--helper", "ftp", "--tracker-options", "{}"]]) {
      const r = run(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^alg-sdk-daemon error: /);
    }
  });

  it("exits 2 and says why when a helper or tracker cannot be built (an unknown name, a module without one, a choice to make)", () => {
    const unknown = run("--helper", "gopher");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/--helper gopher: unknown \(built in: ftp, irc/);
    const module = run("--helper-module", fileURLToPath(new URL("./fixtures/no-helper.mjs", import.meta.url)));
    expect(module.status).toBe(2);
    expect(module.stderr).toMatch(/--helper-module .*no-helper\.mjs exports no helper \(it exports answer\)/);
    const tracker = run("--helper", "ftp", "--tracker-module", fileURLToPath(new URL("./fixtures/two-exports.mjs", import.meta.url)));
    expect(tracker.status).toBe(2);
    expect(tracker.stderr).toMatch(/several exports could be the tracker \(first, second\); name one with --tracker-export NAME/);
  });
});
