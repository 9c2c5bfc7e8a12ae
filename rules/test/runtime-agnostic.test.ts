// The rules run inside emulators and browsers as well as the CLI: the
// sources may use the language and @alg-sdk/core, nothing of Node's.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const src = fileURLToPath(new URL("../src/", import.meta.url));

describe("rules/src needs no Node API", () => {
  const files = readdirSync(src).filter((f) => f.endsWith(".ts"));

  it("finds the sources", () => expect(files).toContain("policy.ts"));

  for (const file of files) {
    it(file, () => {
      const code = readFileSync(src + file, "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/\/\/.*$/gm, "");
      const imports = [...code.matchAll(/from\s+["']([^"']+)["']/g)].map((m) => m[1]!);
      expect(imports.filter((i) => !i.startsWith("./") && i !== "@alg-sdk/core")).toEqual([]);
      expect(code).not.toMatch(/\b(require|process|Buffer|globalThis|window|document)\b/);
    });
  }
});
