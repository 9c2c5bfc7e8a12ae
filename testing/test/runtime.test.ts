import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

describe("runtime-agnostic sources", () => {
  it("use no Node modules or Buffer", () => {
    const dir = fileURLToPath(new URL("../src/", import.meta.url));
    for (const f of readdirSync(dir)) {
      const text = readFileSync(dir + f, "utf8");
      expect(text, f).not.toMatch(/from\s+["']node:|require\(|\bBuffer\b|\bprocess\./);
    }
  });
});
