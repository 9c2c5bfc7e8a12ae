import { defineConfig } from "tsup";

export default defineConfig({
  // bin: the executable (its `#!/usr/bin/env node` line is the first line of
  // src/bin.ts); index: the library surface (codecs, daemon, loader).
  entry: { bin: "src/bin.ts", index: "src/index.ts" },
  format: ["esm"],
  platform: "node",
  target: "node20",
  splitting: true,
  dts: { entry: { index: "src/index.ts" } },
  sourcemap: true,
  clean: true,
  // The @alg-sdk packages, the native `netlink` addon and third-party helpers are resolved at run time.
  external: [/^@alg-sdk\//, "netlink"],
});
