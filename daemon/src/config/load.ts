import { readFile } from "node:fs/promises";
import type { ParsedArgs } from "./args.js";
import type { DaemonConfig } from "./types.js";
import { ConfigError, validateConfig } from "./validate.js";

/** The configuration: the config file (if any) with the command line's settings over it. */
export async function loadConfig(args: ParsedArgs): Promise<DaemonConfig> {
  let fromFile: Record<string, unknown> = {};
  if (args.configFile) {
    let text: string;
    try {
      text = await readFile(args.configFile, "utf8");
    } catch (e) {
      throw new ConfigError(`--config ${args.configFile}: ${(e as Error).message}`);
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("expected a JSON object");
      fromFile = parsed as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError(`--config ${args.configFile}: ${(e as Error).message}`);
    }
  }
  return validateConfig({ ...fromFile, ...args.settings });
}
