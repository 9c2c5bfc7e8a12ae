/**
 * @packageDocumentation
 * An example third-party protocol tracker for alg-sdk (see
 * docs/writing-a-tracker.md): a toy session protocol, tracked with a state
 * machine, timeouts of its own and Linux-style INVALID verdicts, written only
 * against `@alg-sdk/core`'s public API.
 */
export { ToyState, toyTracker, type ToyTrackerOptions } from "./tracker.js";
export { TOY_HEADER, ToyType, toyMessage } from "./message.js";
