import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { declarationsOf, entryPoints } from "../../scripts/entry-points.mjs";

// The API reference (npm run docs:api) builds from the published declarations
// without a single TypeDoc warning: a public declaration that uses a type its
// package does not export, or a {@link} to nothing, fails here.
const root = fileURLToPath(new URL("../../", import.meta.url));
const entries = entryPoints();
const built = entries.every((e) => existsSync(declarationsOf(e)));

describe.skipIf(!built && !process.env.CI)("the API reference", () => {
  it("builds without warnings, one module per entry point", () => {
    const out = mkdtempSync(join(tmpdir(), "alg-sdk-api-docs-"));
    try {
      const r = spawnSync(process.execPath, [join(root, "scripts/docs-api.mjs"), "--out", out], { cwd: root, encoding: "utf8", timeout: 170_000 });
      expect(r.stderr).not.toMatch(/warning|error/i);
      expect(r.status).toBe(0);
      const index = readFileSync(join(out, "index.html"), "utf8");
      for (const e of entries) expect(index, e.specifier).toContain(e.specifier);
      // A helper's page links to core's Helper interface: one site, not islands.
      const ftp = readFileSync(join(out, "functions", "_alg-sdk_helper-ftp.ftpHelper.html"), "utf8");
      expect(ftp).toContain('href="../interfaces/_alg-sdk_core.Helper.html"');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 180_000);
});
