import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
  platform: "neutral",
  // The engine comes from the user's own @alg-sdk/core (a peer dependency), never bundled.
  external: ["@alg-sdk/core"],
});
