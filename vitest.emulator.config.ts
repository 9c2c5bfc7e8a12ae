import { defineConfig } from "vitest/config";
import base, { EMULATOR_TESTS } from "./vitest.config.js";

// The emulator tests (two v86 guests in Node; the view with guests in Chromium),
// one file at a time so each has both cores. `npm test` runs them after the rest.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: EMULATOR_TESTS,
    exclude: ["**/node_modules/**", "**/dist/**"],
    fileParallelism: false,
  },
});
