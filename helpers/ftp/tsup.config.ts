import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
  platform: "neutral",
  // The helper only uses core's types; the engine is the user's own @alg-sdk/core.
  external: ["@alg-sdk/core"],
});
