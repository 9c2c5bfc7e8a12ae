// The package must run in any JS runtime: src may not use Node built-ins,
// Buffer, process, or DOM-only globals.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const srcDir = fileURLToPath(new URL("../src/", import.meta.url));

describe("src is runtime-agnostic", () => {
  const files = readdirSync(srcDir).filter((f) => f.endsWith(".ts"));
  it("has sources", () => expect(files.length).toBeGreaterThan(5));
  for (const f of files) {
    it(f, () => {
      const code = readFileSync(srcDir + f, "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/\/\/.*$/gm, "");
      expect(code).not.toMatch(/from\s+["'](node:|fs|path|buffer|stream|util|os)["'/]/);
      expect(code).not.toMatch(/\brequire\s*\(/);
      expect(code).not.toMatch(/\b(Buffer|process|TextDecoder|TextEncoder|window|document)\b/);
    });
  }
});
