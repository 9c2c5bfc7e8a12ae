// What the harness fuzzes: one engine per target, each helper alone with
// each of its options (Linux's behaviour and the extensions), no helper,
// and everything together behind the conformance router's NAT rules.
// Limits are small so that a run fills every table and the bounds are
// exercised, not just approached.
import { ftpHelper } from "@alg-sdk/helper-ftp";
import { icmpHelper } from "@alg-sdk/helper-icmp";
import { ircHelper } from "@alg-sdk/helper-irc";
import { sipHelper } from "@alg-sdk/helper-sip";
import { tftpHelper } from "@alg-sdk/helper-tftp";
import { compileRules } from "@alg-sdk/rules";
import { natRules } from "./corpus.mjs";

/** Limits every fuzzed engine runs with. */
export const LIMITS = {
  maxConnections: 1024,
  initialCapacity: 256,
  maxExpectations: 48,
  fragments: { maxDatagrams: 64, maxBytes: 256 * 1024, timeout: 30 },
};

/**
 * Bytes a connection's helper state may hold at most, beyond the table:
 * a few small objects, or with stream mode (FTP: both directions) the line
 * buffer (1 KiB) and the out-of-order window (4 KiB) each direction can
 * be made to allocate.
 */
const SMALL_STATE = 1024;
const STREAM_STATE = 2 * (1024 + 4096 + 512);

/**
 * @typedef {object} Target
 * @property {string} name
 * @property {() => object} options  engine options (helpers made fresh per engine)
 * @property {boolean} loose  expectations may point anywhere (FTP loose, SIP without direct media/signalling)
 * @property {number} stateBytes  per-connection helper state allowance for the memory bound
 */

/** @type {Target[]} */
export const TARGETS = [
  { name: "no helper", options: () => ({ helpers: [] }), loose: false, stateBytes: 0 },
  { name: "ftp", options: () => ({ helpers: [ftpHelper()] }), loose: false, stateBytes: SMALL_STATE },
  { name: "ftp loose", options: () => ({ helpers: [ftpHelper({ loose: true })] }), loose: true, stateBytes: SMALL_STATE },
  { name: "ftp stream", options: () => ({ helpers: [ftpHelper({ stream: true })] }), loose: false, stateBytes: STREAM_STATE },
  { name: "ftp stream, partial accept", options: () => ({ helpers: [ftpHelper({ stream: true, onPartialMatch: "accept" })] }), loose: false, stateBytes: STREAM_STATE },
  { name: "irc", options: () => ({ helpers: [ircHelper()] }), loose: false, stateBytes: SMALL_STATE },
  { name: "irc stream, ipv6", options: () => ({ helpers: [ircHelper({ stream: true, ipv6: true })] }), loose: false, stateBytes: STREAM_STATE },
  { name: "irc lines only", options: () => ({ helpers: [ircHelper({ stream: { linesOnly: true } })] }), loose: false, stateBytes: STREAM_STATE },
  { name: "icmp", options: () => ({ helpers: [icmpHelper()] }), loose: false, stateBytes: 0 },
  { name: "icmp no anti-spoofing", options: () => ({ helpers: [icmpHelper({ antiSpoofing: false })] }), loose: false, stateBytes: 0 },
  { name: "tftp", options: () => ({ helpers: [tftpHelper()] }), loose: false, stateBytes: SMALL_STATE },
  { name: "sip", options: () => ({ helpers: [sipHelper()] }), loose: false, stateBytes: 4 * SMALL_STATE },
  { name: "sip any media/signalling", options: () => ({ helpers: [sipHelper({ directMedia: false, directSignalling: false })] }), loose: true, stateBytes: 4 * SMALL_STATE },
  {
    name: "all helpers, NAT rules",
    options: () => ({ helpers: [ftpHelper(), ircHelper(), icmpHelper(), tftpHelper(), sipHelper()], policy: compileRules(natRules()) }),
    loose: false,
    stateBytes: 4 * SMALL_STATE,
  },
  {
    name: "all, checksums, strict TCP, per-source limit",
    options: () => ({
      helpers: [ftpHelper({ stream: true }), ircHelper({ stream: { linesOnly: true } }), icmpHelper(), tftpHelper(), sipHelper()],
      checksums: true,
      tcp: { loose: false, beLiberal: false },
      maxExpectationsPerSource: 8,
    }),
    loose: false,
    stateBytes: STREAM_STATE,
  },
];
