#!/usr/bin/env node
// The `alg-sdk` executable npm links: it runs the built CLI, dist/bin.js.
// It is a file of its own, present before any build, because npm links a
// bin only if its file exists when it installs: in a fresh clone of the
// repository, `npm ci` links this file first and its `prepare` script builds
// dist/ afterwards, so `npx alg-sdk` works straight away.
try {
  await import("../dist/bin.js");
} catch (error) {
  const code = error && typeof error === "object" && "code" in error ? error.code : undefined;
  if (code !== "ERR_MODULE_NOT_FOUND" || !String(error.message).includes("dist/bin.js")) throw error;
  process.stderr.write("alg-sdk: cannot start: the CLI is not built (in the alg-sdk repository, run `npm run build`)\n");
  process.exitCode = 4;
}
