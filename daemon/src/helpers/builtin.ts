import { ftpHelper } from "@alg-sdk/helper-ftp";
import { ircHelper } from "@alg-sdk/helper-irc";

/** Helpers the daemon knows by name (`--helper NAME`); factories take the helper's options object. */
export const BUILTIN_HELPERS: Readonly<Record<string, (options: Record<string, unknown>) => unknown>> = {
  ftp: (o) => ftpHelper(o),
  irc: (o) => ircHelper(o),
};
