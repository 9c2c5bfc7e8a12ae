import { container as rootContainer, type DependencyContainer } from "tsyringe";
import { TOKENS } from "../tokens.js";
import type { EngineSetup } from "./engine.js";
import { Engine } from "./engine.js";
import type { EngineOptions } from "./options.js";
import { resolveConfig } from "./options.js";

/**
 * Creates an engine. Each engine gets its own child container, in which the
 * configuration, the helpers and the rules are registered at one level, so
 * engines never share state.
 *
 * @example
 * ```ts
 * import { createEngine } from "@alg-sdk/core";
 * import { ftpHelper } from "@alg-sdk/helper-ftp";
 * const engine = createEngine({ helpers: [ftpHelper()] });
 * const r = engine.process(ipDatagram, timestampSeconds);
 * console.log(r.stateName, r.directionName);
 * ```
 */
export function createEngine(options: EngineOptions = {}): Engine {
  const parent = options.container ?? rootContainer;
  const child = parent.createChildContainer();
  child.register(TOKENS.Config, { useValue: resolveConfig(options) });
  // Helpers and trackers packages contributed to the embedder's container come
  // first, then the options'. They are registered again at the child's level:
  // a child with registrations of its own would hide its parent's.
  for (const helper of [...contributed(parent, TOKENS.Helper), ...(options.helpers ?? [])]) child.register(TOKENS.Helper, { useValue: helper });
  for (const tracker of [...contributed(parent, TOKENS.Tracker), ...(options.trackers ?? [])]) child.register(TOKENS.Tracker, { useValue: tracker });
  const setup: EngineSetup = {
    attach: options.attach,
    notrack: options.notrack ?? [],
    helperErrorVerdict: options.helperErrorVerdict ?? "accept",
    policy: options.policy,
    route: options.route,
  };
  child.register(TOKENS.Setup, { useValue: setup });
  return child.resolve(Engine);
}

/** What a container (or its ancestors) holds under `token`. */
function contributed(c: DependencyContainer, token: symbol): unknown[] {
  return c.isRegistered(token, true) ? c.resolveAll(token) : [];
}
