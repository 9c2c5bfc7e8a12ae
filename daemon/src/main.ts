import { createRequire } from "node:module";
import { parseArgs, USAGE } from "./config/args.js";
import { loadConfig } from "./config/load.js";
import { ConfigError } from "./config/validate.js";
import { Daemon } from "./runtime/daemon.js";
import { buildHelpers } from "./runtime/helper-set.js";
import { cthelperRules, ruleAttachments, standinRules } from "./rules/print-rules.js";
import { createLogger } from "./runtime/log.js";

/** The package's version, from its package.json (one directory above both src/ and dist/). */
export const VERSION = (createRequire(import.meta.url)("../package.json") as { version: string }).version;

/** Runs the daemon until SIGTERM/SIGINT; resolves to the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  const log = createLogger();
  let args;
  let config;
  try {
    args = parseArgs(argv);
    if (args.help) {
      process.stdout.write(USAGE + "\n");
      return 0;
    }
    if (args.version) {
      process.stdout.write(`alg-sdk-daemon ${VERSION}\n`);
      return 0;
    }
    if (process.platform !== "linux") throw new ConfigError("alg-sdk-daemon runs on Linux only (NFQUEUE and ctnetlink)");
    config = await loadConfig(args);
    if (args.printRules) {
      const attach = ruleAttachments((await buildHelpers(config.helpers)).attach);
      process.stdout.write(args.printRules === "standin" ? standinRules(attach, config.queues) : cthelperRules(attach, config.userspaceHelperPrefix));
      return 0;
    }
  } catch (e) {
    log.error((e as Error).message);
    return 2;
  }
  const daemon = new Daemon(log);
  try {
    await daemon.start(config);
  } catch (e) {
    // A helper that cannot be built is a configuration mistake (2); anything from the kernel is 1.
    log.error(`start failed: ${(e as Error).message}`);
    return e instanceof ConfigError ? 2 : 1;
  }
  return new Promise<number>((resolve) => {
    const stop = (signal: string): void => {
      log.info(`${signal}: draining`);
      void daemon.stop().then(() => resolve(0));
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
    process.on("SIGUSR1", () => daemon.reportStats());
    process.on("SIGHUP", () => {
      loadConfig(args)
        .then((next) => daemon.reload(next))
        .catch((e: unknown) => log.error(`reload failed, keeping the running configuration: ${(e as Error).message}`));
    });
  });
}
