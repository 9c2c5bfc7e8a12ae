import { parseCommandLine } from "./args.js";
import { cancelEarlyReader } from "./capture/early.js";
import { replayCommand } from "./commands/replay.js";
import { verifyCommand } from "./commands/verify.js";
import { watchCommand } from "./commands/watch.js";
import { errorLine, ExitCode, exitCodeOf } from "./errors.js";
import { processIo, type Io } from "./io.js";
import { usage } from "./usage.js";
import { version } from "./version.js";

/**
 * Runs the CLI with `argv` (arguments after the program name) and returns
 * the exit code. Never throws: every error becomes one line on stderr.
 */
export async function run(argv: readonly string[], io: Io = processIo()): Promise<number> {
  try {
    const cl = parseCommandLine(argv);
    switch (cl.kind) {
      case "version":
        io.stdout.write(`alg-sdk ${version()}\n`);
        return ExitCode.OK;
      case "help":
        // `alg-sdk` alone is a usage error; `alg-sdk --help` is not.
        (argv.length === 0 ? io.stderr : io.stdout).write(usage(cl.command));
        return argv.length === 0 ? ExitCode.USAGE : ExitCode.OK;
      case "run": {
        const o = cl.options;
        if (o.command === "replay") return await replayCommand(o, io);
        if (o.command === "verify") return await verifyCommand(o, io);
        return await watchCommand(o, io);
      }
    }
  } catch (error) {
    io.stderr.write(`${errorLine(error, io.debug)}\n`);
    return exitCodeOf(error);
  } finally {
    await cancelEarlyReader();
  }
}
