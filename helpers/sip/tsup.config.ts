import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  // src is checked without Node or DOM types: the helper must run anywhere.
  tsconfig: "tsconfig.build.json",
  dts: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
  platform: "neutral",
  // The helper only uses core's types and payload readers; the engine is the user's own @alg-sdk/core.
  external: ["@alg-sdk/core", "@alg-sdk/core/payload"],
});
