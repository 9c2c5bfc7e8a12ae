// Instructions per ESTABLISHED packet, counted by valgrind: a figure the
// shared machine's load does not move, for A/B comparisons of the hot path
// that timings on a noisy machine cannot resolve (a few percent).
//
//   npm run build && node bench/instructions.mjs [--flows 256] [--packets 1000000] [--against <git revision>]
//
// Needs valgrind (Debian: apt-get install valgrind). Each build runs twice
// under `valgrind --tool=cachegrind`, with V8 on one thread (compilation in
// line, so the counts repeat to within a few instructions): once with the
// timed packets and once without; the difference divided by their number is
// the cost of one packet of a known connection, the bench loop included
// (the same few dozen instructions for every build). Few flows (256 by
// default) keep the table in the cache, so the count is the arithmetic, not
// memory latency, which `bench/engine.mjs` measures.
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { baselineCore, currentCoreUrl } from "./support/baseline-core.mjs";

const args = process.argv.slice(2);
const arg = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const flows = Number(arg("flows", "256"));
const packets = Number(arg("packets", "1000000"));
const against = arg("against", undefined);
const WARM_UP = 300_000;
const driverPath = fileURLToPath(new URL("./support/instruction-driver.mjs", import.meta.url));

/** Instructions valgrind counted for one run of the driver. */
function count(url, timed) {
  const run = spawnSync(
    "valgrind",
    ["--tool=cachegrind", "--cache-sim=no", "--smc-check=all-non-file", "--cachegrind-out-file=/dev/null", process.execPath, "--single-threaded", driverPath, url, String(flows), String(WARM_UP), String(timed)],
    { encoding: "utf8", stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 24 },
  );
  // valgrind writes its summary to stderr.
  const m = /I\s+refs:\s+([\d,]+)/.exec(run.stderr);
  if (run.status !== 0 || m === null) throw new Error(`valgrind failed (status ${run.status}):\n${run.stderr}`);
  return Number(m[1].replaceAll(",", ""));
}

const perPacket = (url) => (count(url, packets) - count(url, 0)) / packets;

try {
  execFileSync("valgrind", ["--version"], { stdio: "ignore" });
} catch {
  console.error("bench/instructions.mjs needs valgrind (Debian: apt-get install valgrind)");
  process.exit(2);
}
console.log(`node ${process.version}; ${flows} flows, ${packets.toLocaleString("en")} ESTABLISHED packets counted`);
const current = perPacket(currentCoreUrl);
console.log(`this build: ${current.toFixed(0)} instructions per packet`);
if (against !== undefined) {
  const { commit, url } = baselineCore(against);
  const baseline = perPacket(url);
  console.log(`core at ${against} (${commit.slice(0, 12)}): ${baseline.toFixed(0)} instructions per packet; this build / baseline ${(current / baseline).toFixed(3)}`);
}
