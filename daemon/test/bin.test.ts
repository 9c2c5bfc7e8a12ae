import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
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
    expect(run("--version").stdout.trim()).toMatch(/^alg-sdk-daemon \d+\.\d+\.\d+$/);
  });

  it("exits 2 with one line for a usage mistake, before touching the kernel", () => {
    for (const args of [["--bogus"], [], ["--helper", "ftp", "--mode", "magic"], ["--helper", "ftp", "--helper-options", "nope"]]) {
      const r = run(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^alg-sdk-daemon error: /);
    }
  });

  it("exits 2 and says why when a helper cannot be built (an unknown name, a module without a helper)", () => {
    const unknown = run("--helper", "gopher");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/--helper gopher: unknown \(built in: ftp, irc/);
    const module = run("--helper-module", fileURLToPath(new URL("./fixtures/no-helper.mjs", import.meta.url)));
    expect(module.status).toBe(2);
    expect(module.stderr).toMatch(/exports no helper object or factory/);
  });
});
