import type { HelperAttachment } from "@alg-sdk/core";
import { BUILTIN_HELPERS } from "../helpers/builtin.js";
import { helperFacts, type HelperFacts } from "../helpers/facts.js";
import type { HelperConfig } from "../config/types.js";
import { ConfigError, parseAttach } from "../config/validate.js";
import { loadPluginModule } from "./plugin-module.js";

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
      try {
        helper = factory(c.options ?? {});
      } catch (e) {
        // A helper refusing its options (a port out of range, say) is a configuration mistake too.
        throw new ConfigError(`--helper ${c.name}: ${(e as Error).message}`);
      }
    } else {
      helper = await loadPluginModule("helper", { ...c, module: c.module! });
      // The daemon needs the name before createEngine sees the helper (registration, rules, messages).
      if (!hasName(helper)) throw new ConfigError(`--helper-module ${c.module}: ${c.export !== undefined ? `export "${c.export}"` : "its export"} did not give a helper object (an object with a name)`);
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

function hasName(v: unknown): v is { readonly name: string } {
  return typeof v === "object" && v !== null && typeof (v as { name?: unknown }).name === "string";
}
