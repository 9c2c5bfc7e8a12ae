/**
 * @packageDocumentation
 * An example third-party protocol tracker for alg-sdk (see
 * docs/writing-a-tracker.md): a toy session protocol, tracked with a state
 * machine, timeouts of its own and Linux-style INVALID verdicts, written only
 * against `@alg-sdk/core`'s public API.
 */
export { ToyState, toyTracker, type ToyTrackerOptions } from "./tracker.js";
export { TOY_HEADER, ToyType, toyMessage } from "./message.js";

// The module contract of --tracker-module: the default export is the tracker's factory.
export { toyTracker as default } from "./tracker.js";
