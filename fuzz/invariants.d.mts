import type { Engine, ExpectationInfo, PacketResult, ConnectionInfo } from "@alg-sdk/core";
export function resultProblem(r: Pick<PacketResult, "state" | "reason">): string | null;
export function icmpProblem(engine: Engine, r: PacketResult, bytes: Uint8Array): string | null;
export function endpointProblem(e: ExpectationInfo, master: Pick<ConnectionInfo, "original" | "reply">): string | null;
