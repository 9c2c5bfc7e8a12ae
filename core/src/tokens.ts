/**
 * Injection tokens. `Symbol.for` makes them global: two copies of
 * @alg-sdk/core loaded in one process still agree on them.
 */
export const TOKENS = {
  /** The resolved `EngineConfig`. */
  Config: Symbol.for("@alg-sdk/core/config"),
  /** Each registered helper (resolved with `injectAll`). */
  Helper: Symbol.for("@alg-sdk/core/helper"),
  /** Each protocol tracker a package adds (resolved with `injectAll`; built-in ones need no registration). */
  Tracker: Symbol.for("@alg-sdk/core/tracker"),
  /** Attach and NOTRACK rules and other engine-wide settings. */
  Setup: Symbol.for("@alg-sdk/core/setup"),
} as const;
