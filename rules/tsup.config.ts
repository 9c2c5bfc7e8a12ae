import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
  platform: "neutral",
  // The compiled policy goes into the user's own engine: one @alg-sdk/core, theirs.
  external: ["@alg-sdk/core"],
});
