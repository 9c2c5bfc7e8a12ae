// Core as it was at a git revision, for the benches that compare against it.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Core's source at `rev`, built (ESM, no types) once under
 * .cache/bench-engine/<commit>/; returns the commit and the URL of its entry.
 */
export function baselineCore(rev) {
  const commit = execFileSync("git", ["rev-parse", "--verify", `${rev}^{commit}`], { cwd: root, encoding: "utf8" }).trim();
  const dir = `${root}.cache/bench-engine/${commit}`;
  const entry = `${dir}/core/dist/index.js`;
  if (!existsSync(entry)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    // Only what the build reads: the sources and their compiler settings (no tests for a test runner to find).
    const tar = execFileSync("git", ["archive", commit, "core/src", "core/package.json", "core/tsconfig.json", "tsconfig.base.json"], { cwd: root, maxBuffer: 1 << 28 });
    execFileSync("tar", ["-x", "-C", dir], { input: tar });
    // Only the entry the benches import: that revision's own build settings may name files it does not have here.
    writeFileSync(
      `${dir}/core/tsup.bench.config.mjs`,
      'export default { entry: { index: "src/index.ts" }, format: ["esm"], dts: false, sourcemap: false, clean: true, target: "es2022", platform: "neutral" };\n',
    );
    execFileSync(`${root}node_modules/.bin/tsup`, ["--config", "tsup.bench.config.mjs"], { cwd: `${dir}/core`, stdio: "pipe" });
    if (!existsSync(entry)) throw new Error(`building core at ${rev} did not produce ${entry}`);
  }
  return { commit, url: pathToFileURL(entry).href };
}

/** The URL of this checkout's core build. */
export const currentCoreUrl = new URL("../../core/dist/index.js", import.meta.url).href;
