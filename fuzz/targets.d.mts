import type { Target } from "./harness.mjs";
export const TARGETS: readonly Target[];
export const LIMITS: { readonly maxConnections: number; readonly maxExpectations: number; readonly fragments: { readonly maxBytes: number; readonly maxDatagrams: number } };
