import type { Direction, ExpectResult, HelperVerdict, IpProto, PacketState, TcpFlag } from "@alg-sdk/core";

/**
 * The few numeric values of @alg-sdk/core this helper uses. They are
 * written here, typed against core's own declarations (so a change in core
 * fails to compile), instead of imported as values: the helper then needs
 * core only for its types and never loads a second copy of the engine.
 */

export const ORIGINAL: typeof Direction.ORIGINAL = 0;
export const ESTABLISHED: typeof PacketState.ESTABLISHED = 1;
export const TCP: typeof IpProto.TCP = 6;
export const SYN: typeof TcpFlag.SYN = 0x02;
export const ACCEPT: typeof HelperVerdict.ACCEPT = 0;
export const DROP: typeof HelperVerdict.DROP = 1;
export const PARTIAL: typeof HelperVerdict.PARTIAL = 2;
/** Results below this one are refusals (ALREADY, BUSY, LIMIT, INVALID are negative). */
export const EXPECT_REFUSED_BELOW: typeof ExpectResult.CREATED = 0;
