/**
 * Typed services: how one plugin offers an object to others in the same
 * engine without either naming the other's package internals. A protocol
 * tracker offers a service under a token (GRE offers its keymaps); a helper
 * asks its hook context for it by the same token (PPTP registers the call
 * ids of a call there), the way Linux's nf_conntrack_pptp calls
 * `nf_ct_gre_keymap_add` of the GRE tracker.
 *
 * Tokens are made with `Symbol.for`, so two copies of a package loaded in
 * one process still agree on them.
 */

/**
 * The typed name of a service. `T` is what {@link HookContext.service}
 * returns for it; it exists only for the type checker.
 */
export interface ServiceToken<T> {
  /** The global symbol the engine files the service under. */
  readonly key: symbol;
  /** The name the token was made with, for messages. */
  readonly name: string;
  /** Never set: carries `T` for the type checker. */
  readonly type?: (value: T) => T;
}

/**
 * Makes the token of a service. Use a name scoped by your package
 * (`"@acme/tracker-foo/sessions"`): tokens with the same name are the same
 * token.
 *
 * @example
 * ```ts
 * export interface SessionTable { count(): number }
 * export const SESSIONS = serviceToken<SessionTable>("@acme/tracker-foo/sessions");
 * ```
 */
export function serviceToken<T>(name: string): ServiceToken<T> {
  if (typeof name !== "string" || name.length === 0) throw new TypeError("a service token needs a name");
  return Object.freeze({ key: Symbol.for(`@alg-sdk/service:${name}`), name });
}

/** A service as a tracker offers it (see {@link offerService}). */
export interface ServiceOffer {
  readonly token: ServiceToken<unknown>;
  readonly service: unknown;
}

/** Pairs a token with the object offered under it, checking that they fit. */
export function offerService<T>(token: ServiceToken<T>, service: T): ServiceOffer {
  return { token: token as ServiceToken<unknown>, service };
}
