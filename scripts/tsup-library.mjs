// The tsup settings every runtime-agnostic library package shares: ESM and
// CommonJS with declarations, built for ES2022 on no particular platform
// (Node, browsers and emulators alike). A package's tsup.config.ts passes
// only what is its own (entries, a build tsconfig, externals).

/** @param {import("tsup").Options} own */
export function libraryConfig(own = {}) {
  return {
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "es2022",
    platform: "neutral",
    ...own,
  };
}
