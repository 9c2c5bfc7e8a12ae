import { defineConfig } from "tsup";

export default defineConfig({
  // bin: the executable (its `#!/usr/bin/env node` line is the first line of
  // src/bin.ts, which esbuild keeps, so only the bin gets it); index: the
  // library surface; module-loader: the plugin loader alone (a subpath
  // export); read-worker: the capture reader thread, loaded by URL.
  entry: { bin: "src/bin.ts", index: "src/index.ts", "module-loader": "src/module-loader.ts", "read-worker": "src/capture/read-worker.ts" },
  format: ["esm"],
  platform: "node",
  target: "node20",
  // Code splitting keeps bin.js tiny: it loads the rest with a dynamic
  // import it can catch, so a missing dependency is one error line, not a
  // stack trace from the module loader.
  splitting: true,
  dts: { entry: { index: "src/index.ts", "module-loader": "src/module-loader.ts" } },
  sourcemap: true,
  clean: true,
  // The @alg-sdk packages are dependencies, resolved at run time.
  external: [/^@alg-sdk\//],
});
