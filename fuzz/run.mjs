// The long fuzz run: millions of mutated packets per target, figures printed.
//
//   npm run build && node fuzz/run.mjs [--packets 1000000] [--seed 1] [--only ftp] [--check-every 250000]
//
// For each target (each helper alone with each of its options, no helper,
// all helpers with NAT; see fuzz/targets.mjs): packets tried and per
// second, exceptions thrown out of engine.process (must be 0), limit
// violations by kind (must be 0): `result` (a state or reason out of
// range, INVALID without a reason), `bounds` (connections, expectations or
// fragment bytes over their limits), `memory` (heap + external over what
// the configured limits allow, checked after full GCs every --check-every
// packets), `endpoint` (an expectation whose destination is not an
// endpoint of its master, except in loose modes), `icmp` (an ICMP error
// related to a connection it does not quote). Then heap and external
// memory at the start and the end, the peak growth and its bound. Exits 1
// when anything was violated.
import { runTarget, violations } from "./harness.mjs";
import { LIMITS, TARGETS } from "./targets.mjs";

const args = process.argv.slice(2);
const arg = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const packets = Number(arg("packets", "1000000"));
const seed = Number(arg("seed", "1"));
const only = arg("only", null);
const checkEvery = Number(arg("check-every", "250000"));
const mib = (n) => (n / 2 ** 20).toFixed(1).padStart(6);

console.log(`node ${process.version}; ${packets.toLocaleString("en")} packets per target, seed ${seed}; limits: ${LIMITS.maxConnections} connections, ${LIMITS.maxExpectations} expectations, ${LIMITS.fragments.maxBytes / 1024} KiB of fragments`);
console.log("target                                          packets  pkt/s    exc  result bounds memory endpt icmp | heap MiB start  end | ext MiB start  end | peak / bound MiB | most conns expects | expect  related");
let total = 0;
let bad = 0;
for (const target of TARGETS) {
  if (only !== null && !target.name.includes(only)) continue;
  const f = runTarget(target, { packets, seed, checkEvery });
  total += f.packets;
  bad += f.exceptions + violations(f);
  const v = f.violations;
  console.log(
    `${f.target.padEnd(44)} ${f.packets.toLocaleString("en").padStart(10)} ${Math.round(f.packets / f.seconds).toLocaleString("en").padStart(8)} ${String(f.exceptions).padStart(4)}  ${String(v.result).padStart(6)} ${String(v.bounds).padStart(6)} ${String(v.memory).padStart(6)} ${String(v.endpoint).padStart(5)} ${String(v.icmp).padStart(4)} | ${mib(f.start.heap)} ${mib(f.end.heap)}     | ${mib(f.start.external)} ${mib(f.end.external)}    | ${mib(f.peak)} / ${mib(f.bound)}  | ${String(f.maxConnections).padStart(10)} ${String(f.maxExpectations).padStart(7)} | ${String(f.expectations).padStart(6)} ${String(f.related).padStart(8)}`,
  );
  for (const x of f.examples) console.log(`    ${x.kind}: ${x.text.split("\n").slice(0, 4).join(" | ")}`);
}
console.log(`${total.toLocaleString("en")} packets in all; exceptions and violations: ${bad}`);
process.exitCode = bad === 0 ? 0 : 1;
