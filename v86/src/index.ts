/**
 * @packageDocumentation
 * `@alg-sdk/v86`: puts an `@alg-sdk/vnet` gateway on the network of v86
 * emulators (pinned to v86 0.5.462; the internals used are listed in
 * `v86-internals.ts` and the README).
 */
export { connectV86 } from "./connect.js";
export type { ConnectOptions, V86Link } from "./connect.js";
export type { V86Emulator } from "./v86-internals.js";
export { nicEvents } from "./v86-internals.js";
export { SerialConsole } from "./serial-console.js";
export type { V86Serial } from "./serial-console.js";
