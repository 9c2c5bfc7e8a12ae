#!/usr/bin/env node
// The executable: everything else loads through a dynamic import so a missing
// dependency (the native netlink addon) is one error line.
import("./main.js")
  .then(({ main }) => main(process.argv.slice(2)))
  .then((code) => process.exit(code))
  .catch((e: unknown) => {
    process.stderr.write(`alg-sdk-daemon: ${(e as Error).message}\n`);
    process.exit(1);
  });
