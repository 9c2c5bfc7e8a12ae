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
  // The engine (and the GRE tracker whose keymaps the helper fills) is the user's own @alg-sdk/core.
  external: ["@alg-sdk/core"],
});
