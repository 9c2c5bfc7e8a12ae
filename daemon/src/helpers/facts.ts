/**
 * What the daemon reads from a helper object beyond passing it to
 * createEngine: its name, expectation policies (for nfnetlink_cthelper) and
 * default attach rules. Read defensively, so a helper shape the daemon does
 * not know yields defaults instead of a crash.
 */
export interface HelperFacts {
  readonly name: string;
  readonly policies: readonly { readonly name: string; readonly maxExpected: number; readonly timeout: number }[];
  readonly defaultRules: readonly { readonly protocol: string | number; readonly port?: number | readonly [number, number]; readonly family?: 4 | 6 }[];
}

export function helperFacts(helper: unknown): HelperFacts {
  const h = (helper ?? {}) as { name?: unknown; policies?: unknown; attach?: unknown; defaultRules?: unknown };
  const name = typeof h.name === "string" ? h.name : "unnamed";
  const policies = Array.isArray(h.policies)
    ? h.policies.map((p: { name?: unknown; maxExpected?: unknown; timeout?: unknown }, i: number) => ({
        name: typeof p?.name === "string" ? p.name : `${name}-${i}`,
        maxExpected: typeof p?.maxExpected === "number" ? p.maxExpected : 1,
        timeout: typeof p?.timeout === "number" ? p.timeout : 300,
      }))
    : [];
  // Helper API v2 calls the conventional attachments `attach`; v1 called them `defaultRules`.
  const rules = Array.isArray(h.attach) ? h.attach : Array.isArray(h.defaultRules) ? h.defaultRules : [];
  const defaultRules = rules as HelperFacts["defaultRules"];
  return { name, policies: policies.length > 0 ? policies : [{ name, maxExpected: 1, timeout: 300 }], defaultRules };
}
