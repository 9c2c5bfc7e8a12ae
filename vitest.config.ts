import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Tests that boot v86 guests or drive Chromium. */
export const EMULATOR_TESTS = ["v86/test/two-guests.test.ts", "view/test/chromium.test.ts"];

// Tests run against the TypeScript sources; `test/smoke` imports the built packages instead (npm test builds first).
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@alg-sdk\/core$/, replacement: here("./core/src/index.ts") },
      { find: /^@alg-sdk\/core\/payload$/, replacement: here("./core/src/payload/index.ts") },
      { find: /^@alg-sdk\/pcap$/, replacement: here("./pcap/src/index.ts") },
      { find: /^@alg-sdk\/cli\/module-loader$/, replacement: here("./cli/src/module-loader.ts") },
      { find: /^@alg-sdk\/testing$/, replacement: here("./testing/src/index.ts") },
      { find: /^@alg-sdk\/helper-ftp$/, replacement: here("./helpers/ftp/src/index.ts") },
      { find: /^@alg-sdk\/helper-irc$/, replacement: here("./helpers/irc/src/index.ts") },
      { find: /^@alg-sdk\/helper-icmp$/, replacement: here("./helpers/icmp/src/index.ts") },
      { find: /^@alg-sdk\/helper-tftp$/, replacement: here("./helpers/tftp/src/index.ts") },
      { find: /^@alg-sdk\/rules$/, replacement: here("./rules/src/index.ts") },
      { find: /^@alg-sdk\/helper-sip$/, replacement: here("./helpers/sip/src/index.ts") },
      { find: /^@alg-sdk\/example-helper-amanda$/, replacement: here("./examples/helper-amanda/src/index.ts") },
      { find: /^@alg-sdk\/daemon$/, replacement: here("./daemon/src/index.ts") },
      { find: /^@alg-sdk\/vnet$/, replacement: here("./vnet/src/index.ts") },
      { find: /^@alg-sdk\/v86$/, replacement: here("./v86/src/index.ts") },
      { find: /^@alg-sdk\/helper-pptp$/, replacement: here("./helpers/pptp/src/index.ts") },
      { find: /^@alg-sdk\/example-tracker-toy$/, replacement: here("./examples/tracker-toy/src/index.ts") },
    ],
  },
  test: {
    include: ["**/test/**/*.test.ts"],
    // Real guests and a real browser run on their own, one file at a time (vitest.emulator.config.ts):
    // sharing two cores with the rest would make their timings meaningless.
    // .cache holds build products, among them older revisions' sources (bench/support/baseline-core.mjs).
    exclude: ["**/node_modules/**", "**/dist/**", ".cache/**", ...EMULATOR_TESTS],
    testTimeout: 30_000,
  },
});
