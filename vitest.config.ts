import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Tests run against the TypeScript sources; `test/smoke` imports the built packages instead (npm test builds first).
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@alg-sdk\/core$/, replacement: here("./core/src/index.ts") },
      { find: /^@alg-sdk\/core\/payload$/, replacement: here("./core/src/payload/index.ts") },
      { find: /^@alg-sdk\/pcap$/, replacement: here("./pcap/src/index.ts") },
      { find: /^@alg-sdk\/testing$/, replacement: here("./testing/src/index.ts") },
      { find: /^@alg-sdk\/helper-ftp$/, replacement: here("./helpers/ftp/src/index.ts") },
      { find: /^@alg-sdk\/helper-irc$/, replacement: here("./helpers/irc/src/index.ts") },
      { find: /^@alg-sdk\/helper-icmp$/, replacement: here("./helpers/icmp/src/index.ts") },
      { find: /^@alg-sdk\/helper-tftp$/, replacement: here("./helpers/tftp/src/index.ts") },
      { find: /^@alg-sdk\/rules$/, replacement: here("./rules/src/index.ts") },
      { find: /^@alg-sdk\/helper-sip$/, replacement: here("./helpers/sip/src/index.ts") },
      { find: /^@alg-sdk\/helper-pptp$/, replacement: here("./helpers/pptp/src/index.ts") },
      { find: /^@alg-sdk-examples\/tracker-toy$/, replacement: here("./examples/tracker-toy/src/index.ts") },
    ],
  },
  test: {
    include: ["**/test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    testTimeout: 30_000,
  },
});
