// reflect-metadata must be loaded before tsyringe is used anywhere.
import "reflect-metadata";

/**
 * @packageDocumentation
 * `@alg-sdk/core`: connection tracking with Linux netfilter semantics.
 * The public surface is everything exported here; nothing else is API.
 */

// The engine.
export { createEngine } from "./engine/create.js";
export { Engine, ProcessFlag } from "./engine/engine.js";
export type { EngineSetup } from "./engine/engine.js";
export type { EngineOptions } from "./engine/options.js";
export { PacketResult } from "./engine/result.js";
export { EngineStats } from "./engine/stats.js";
export type {
  ConnectionEnd,
  ConnectionInfo,
  EngineEvent,
  EngineEventListener,
  ExpectationInfo,
  TupleInfo,
} from "./engine/info.js";
export type { ExpectationEnd } from "./expect/registry.js";
export type { HelperAttachment, NotrackRule } from "./engine/rules.js";
export type { SubscribeOptions } from "./engine/event-hub.js";
export { formatConnection, formatExpectation } from "./engine/format.js";

// Vocabulary.
export {
  Direction,
  IpProto,
  NAT_MASK,
  PacketState,
  PACKET_STATE_NAMES,
  Reason,
  Status,
  Verdict,
  VERDICT_NAMES,
  directionName,
  packetStateName,
  reasonName,
} from "./constants.js";
export type { PacketStateName } from "./constants.js";
export { Tuple, sameAddress } from "./tuple.js";
export { formatAddress, parseAddress } from "./address.js";

// Helpers (API v2).
export { ExpectFlag, HELPER_API_VERSION, HelperVerdict, defineHelper } from "./helper/types.js";
export type {
  AddressInput,
  AttachRule,
  ConnectionQuery,
  ConnectionView,
  DestroyContext,
  ExpectAllOutcome,
  ExpectationFilter,
  ExpectationHandle,
  ExpectationQuery,
  ExpectationRequest,
  ExpectOutcome,
  ExpectPolicy,
  ExpectRefusal,
  ExpiryContext,
  Helper,
  HelperDefinition,
  HelperLogger,
  HookContext,
  MatchContext,
  PacketContext,
  QuoteLookup,
  RelateAnswer,
  RelateContext,
  StateContext,
} from "./helper/types.js";

// Protocol trackers, for packages that add one (docs/writing-a-tracker.md).
export { PacketKind, TRACK_KILL, TRACK_OK, TRACK_REOPEN } from "./proto/tracker.js";
export type { NatErrorLayout, ProtocolTracker, TrackerEnvironment, TupleKeys } from "./proto/tracker.js";
export type { TrackerTable } from "./proto/tracker-table.js";
export { defineTracker } from "./proto/define.js";
export type { TrackerDefinition } from "./proto/define.js";
export { protocolName } from "./proto/registry.js";
export { crc32c } from "./packet/crc32c.js";
// The built-in trackers Linux has beside TCP, UDP and ICMP, and GRE's keymaps (the service PPTP uses).
export { SCTP_STATE_NAMES, SctpState } from "./proto/sctp/states.js";
export { greTracker } from "./proto/gre/tracker.js";
export type { GreTrackerOptions } from "./proto/gre/tracker.js";
export { GRE_KEYMAPS } from "./proto/gre/keymaps.js";
export type { GreKeymapResult, GreKeymaps } from "./proto/gre/keymaps.js";

// Services trackers offer helpers.
export { offerService, serviceToken } from "./service.js";
export type { ServiceOffer, ServiceToken } from "./service.js";
export type { TrackerRegistry } from "./proto/registry.js";

// Configuration.
export type { EngineConfig, FragmentOptions, TcpOptions, Timeouts } from "./config.js";
export { DEFAULT_FRAGMENT_OPTIONS, DEFAULT_TCP_OPTIONS, DEFAULT_TIMEOUTS } from "./config.js";
export { TOKENS } from "./tokens.js";

// Policy hooks (NAT and filter) and NAT targets.
export { FilterVerdict } from "./policy/types.js";
export type { NatDecision, NatTarget, PacketPolicy, PolicyPacket } from "./policy/types.js";
export { natTarget } from "./policy/nat-target.js";
export type { NatTargetSpec } from "./policy/nat-target.js";

// Packet decoding, for tools, helpers and trackers that read packets themselves.
export { decodePacket } from "./packet/decode.js";
export { ParsedPacket, TcpFlag } from "./packet/parsed-packet.js";

// Composition: helpers and embedders reach tsyringe only through core, so one
// process never holds two containers.
export { container, inject, injectAll, injectable, singleton } from "tsyringe";
export type { DependencyContainer } from "tsyringe";
