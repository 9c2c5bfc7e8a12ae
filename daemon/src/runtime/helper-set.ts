import type { HelperAttachment } from "@alg-sdk/core";
import { BUILTIN_HELPERS } from "../helpers/builtin.js";
import { helperFacts, type HelperFacts } from "../helpers/facts.js";
import { loadHelperModule } from "../helpers/load-module.js";
import type { HelperConfig } from "../config/types.js";
import { ConfigError, parseAttach } from "../config/validate.js";

/** The helpers of a configuration, built, with the attach rules the engine gets. */
export interface HelperSet {
  readonly helpers: readonly unknown[];
  readonly facts: readonly HelperFacts[];
  readonly attach: readonly HelperAttachment[];
}

/** Builds every configured helper (loading modules); throws ConfigError on a mistake. */
export async function buildHelpers(configs: readonly HelperConfig[]): Promise<HelperSet> {
  const helpers: unknown[] = [];
  const facts: HelperFacts[] = [];
  const attach: HelperAttachment[] = [];
  for (const c of configs) {
    let helper: unknown;
    if (c.name !== undefined) {
      const factory = BUILTIN_HELPERS[c.name];
      if (!factory) throw new ConfigError(`--helper ${c.name}: unknown (built in: ${Object.keys(BUILTIN_HELPERS).join(", ")}; others with --helper-module)`);
      helper = factory(c.options ?? {});
    } else {
      try {
        helper = (await loadHelperModule(c.module!, c.options ?? {}, c.export)).helper;
      } catch (e) {
        throw new ConfigError((e as Error).message);
      }
    }
    const f = helperFacts(helper);
    if (facts.some((x) => x.name === f.name)) throw new ConfigError(`helper "${f.name}" is configured twice`);
    helpers.push(helper);
    facts.push(f);
    const rules = c.attach ? c.attach.map(parseAttach) : f.defaultRules;
    if (rules.length === 0) throw new ConfigError(`helper "${f.name}" has no default ports: give an attach (e.g. --helper-attach udp/69)`);
    for (const r of rules) attach.push({ ...r, helper: f.name } as HelperAttachment);
  }
  return { helpers, facts, attach };
}
