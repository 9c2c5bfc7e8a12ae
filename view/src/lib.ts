/** What the bench and tests import from the view's bundle (runtime-agnostic). */
export { benchGateway } from "./bench.js";
export type { BenchResult } from "./bench.js";
export { syntheticTraffic } from "./synthetic.js";
export type { SyntheticFrame, TrafficOptions } from "./synthetic.js";
export { syntheticGateway, syntheticPolicy } from "./synthetic-gateway.js";
export { GatewayModel } from "./model.js";
export { connectionRow, selectRows } from "./rows.js";
