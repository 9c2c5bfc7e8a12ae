// Types of the fuzz harness for the TypeScript test that runs its short version.
export interface Target {
  readonly name: string;
  readonly options: () => object;
  readonly loose: boolean;
  readonly stateBytes: number;
}
export interface Figures {
  readonly target: string;
  readonly packets: number;
  readonly exceptions: number;
  readonly violations: { readonly result: number; readonly bounds: number; readonly memory: number; readonly endpoint: number; readonly icmp: number };
  readonly examples: readonly { readonly kind: string; readonly text: string }[];
  readonly states: readonly number[];
  readonly expectations: number;
  readonly related: number;
  readonly peak: number;
  readonly bound: number;
  readonly connections: number;
  readonly maxConnections: number;
  readonly maxExpectations: number;
}
export function runTarget(target: Target, o: { packets: number; seed: number; checkEvery?: number }): Figures;
export function violations(f: Figures): number;
export function seeds(): { name: string; packets: { bytes: Uint8Array; t: number }[]; duration: number }[];
