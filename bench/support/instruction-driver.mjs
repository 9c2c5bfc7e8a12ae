// Run by bench/instructions.mjs under valgrind: open the flows, warm up, then
// send `timed` ESTABLISHED packets (0 for the run that counts everything else).
//
//   node --single-threaded bench/support/instruction-driver.mjs <core entry URL> <flows> <warm-up> <timed>
import { T0, ackPackets, driver, openFlows } from "./established-flows.mjs";

const [url, flows, warmUp, timed] = process.argv.slice(2);
const core = await import(url);
const engine = core.createEngine({ maxConnections: Number(flows), initialCapacity: Number(flows), hashSeed: 1 });
openFlows(engine, Number(flows));
const { buf, n } = ackPackets(Number(flows), false);
const drive = driver(engine, buf, n);
drive(Number(warmUp), T0 + 1);
const established = drive(Number(timed), T0 + 2);
if (established !== Number(timed)) throw new Error(`only ${established} of ${timed} packets were ESTABLISHED`);
