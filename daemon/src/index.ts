/**
 * @packageDocumentation
 * `@alg-sdk/daemon`: alg-sdk helpers as user-space conntrack helpers for a
 * Linux firewall. The codecs (nfnetlink, nfqueue, ctnetlink, cthelper) are
 * plain TypeScript and work anywhere; the daemon needs Linux and the
 * `netlink` addon.
 */

export * from "./netlink/constants.js";
export { MessageBuilder, concatMessages } from "./netlink/builder.js";
export { Attrs, nfgenHeader, splitMessages, type NlMessage } from "./netlink/reader.js";
export { decodeError, errnoName, Errno, type NlError } from "./netlink/error.js";
export * from "./nfqueue/constants.js";
export { encodeQueueConfig, type QueueConfig } from "./nfqueue/config.js";
export { decodeQueuedPacket, type QueuedPacket } from "./nfqueue/packet.js";
export { encodeVerdict, encodeBatchVerdict, decodeVerdict, type DecodedVerdict } from "./nfqueue/verdict.js";
export * from "./ctnetlink/constants.js";
export { readTuple, writeTuple, writeMask, invertTuple, tuplesEqual, type CtTuple } from "./ctnetlink/tuple.js";
export { encodeExpectNew, encodeExpectDelete, encodeExpectGet, decodeExpectation, type KernelExpectation, type KernelExpectationRequest } from "./ctnetlink/expect.js";
export { encodeConntrackGet, decodeConntrack, decodeConntrackMessage, type KernelConntrack } from "./ctnetlink/conntrack.js";
export * from "./cthelper/constants.js";
export { encodeHelperNew, encodeHelperDelete, encodeHelperGetDump, decodeHelper, type UserspaceHelper, type CthPolicy } from "./cthelper/messages.js";
export { RequestChannel, type Answer } from "./transport/requests.js";
export { openNetfilterSocket, type NetlinkSocket } from "./transport/socket.js";
export { Daemon, type ActiveMode, type SocketFactory } from "./runtime/daemon.js";
export { Counters } from "./runtime/counters.js";
export type { KernelCapabilities } from "./kernel/probe.js";
export { createLogger, type Logger, type LogLevel } from "./runtime/log.js";
export type { DaemonConfig, HelperConfig, KernelMode, TrackerConfig } from "./config/types.js";
export { parseArgs, type ParsedArgs } from "./config/args.js";
export { validateConfig, ConfigError } from "./config/validate.js";
export { main } from "./main.js";
