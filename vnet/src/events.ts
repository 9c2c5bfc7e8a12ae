import type { VerdictRecord } from "./verdict-log.js";

/** What the gateway reports itself (the engine's conntrack events come from `gateway.engine.on`). */
export type GatewayEvent = { readonly type: "verdict"; readonly record: VerdictRecord };

export type GatewayEventListener = (event: GatewayEvent) => void;
