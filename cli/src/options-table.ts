/**
 * The options of every command, for \`node:util\` parseArgs. In a module of
 * its own, free of dependencies, because the executable reads it before
 * anything else is loaded (see capture/early.ts).
 */
// Every option is accepted by every command: they all build the same engine.
export const OPTIONS = {
  format: { type: "string", short: "f" },
  helper: { type: "string", multiple: true },
  "no-helpers": { type: "boolean" },
  "helper-module": { type: "string", multiple: true },
  "helper-options": { type: "string", multiple: true },
  "tracker-module": { type: "string", multiple: true },
  "tracker-options": { type: "string", multiple: true },
  "ftp-loose": { type: "boolean" },
  "ftp-stream": { type: "boolean" },
  "ftp-partial": { type: "string" },
  "irc-ipv6": { type: "boolean" },
  "irc-stream": { type: "boolean" },
  "irc-lines-only": { type: "boolean" },
  "icmp-no-anti-spoofing": { type: "boolean" },
  zone: { type: "string" },
  "no-tcp-loose": { type: "boolean" },
  "tcp-be-liberal": { type: "boolean" },
  checksums: { type: "boolean" },
  "tcp-max-retrans": { type: "string" },
  timeout: { type: "string", multiple: true },
  "max-connections": { type: "string" },
  "max-expectations": { type: "string" },
  "max-expectations-per-source": { type: "string" },
  "hash-seed": { type: "string" },
  "input-timeout": { type: "string" },
  rules: { type: "string" },
  write: { type: "string" },
  "emit-bytes": { type: "boolean" },
  progress: { type: "boolean" },
  "no-progress": { type: "boolean" },
  packets: { type: "boolean" },
  "no-packets": { type: "boolean" },
  tables: { type: "boolean" },
  "no-tables": { type: "boolean" },
  "table-limit": { type: "string" },
  worker: { type: "boolean" },
  "no-worker": { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
} as const;

