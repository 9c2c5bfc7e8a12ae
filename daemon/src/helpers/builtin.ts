import { ftpHelper } from "@alg-sdk/helper-ftp";
import { ircHelper } from "@alg-sdk/helper-irc";
import { sipHelper } from "@alg-sdk/helper-sip";
import { tftpHelper } from "@alg-sdk/helper-tftp";

/** Helpers the daemon knows by name (`--helper NAME`); factories take the helper's options object. */
export const BUILTIN_HELPERS: Readonly<Record<string, (options: Record<string, unknown>) => unknown>> = {
  ftp: (o) => ftpHelper(o),
  irc: (o) => ircHelper(o),
  tftp: (o) => tftpHelper(o),
  sip: (o) => sipHelper(o),
};
