import { describe, expect, it } from "vitest";
import { GatewayModel } from "../src/model.js";
import { connectionRow, selectRows } from "../src/rows.js";
import { syntheticTraffic } from "../src/synthetic.js";
import { syntheticGateway } from "../src/synthetic-gateway.js";

function run(connections: number) {
  const gw = syntheticGateway();
  gw.connect("lan", () => {});
  gw.connect("wan", () => {});
  const model = new GatewayModel(gw);
  let ts = 1;
  for (const f of syntheticTraffic({ connections })) gw.receive(f.side, f.bytes, (ts += 0.001));
  return { gw, model };
}

describe("view model fed by the gateway's events", () => {
  it("holds every connection, the RELATED FTP data connections and the WAN drops of synthetic traffic", () => {
    const { gw, model } = run(500);
    // 500 sessions; 50 of them FTP, 40 with a data connection and 10 whose PORT stays pending; 10 pings; 20 unsolicited from the WAN (dropped).
    expect(gw.stats.malformed).toBe(0);
    expect(model.connections.size).toBe(500 + 40 + 10);
    expect(model.counters.relatedConnections).toBe(40);
    expect(model.expectations.size).toBe(10);
    expect([...model.expectations.values()].every((e) => e.helper === "ftp" && e.tuple.src === "10.1.0.2")).toBe(true);
    expect(model.verdicts.latest().filter((v) => v.verdict === "drop" && v.reason === "filtered" && v.dport === 23)).toHaveLength(20);
    expect(model.events.latest().some((l) => l.startsWith("[NEW] expect "))).toBe(true);
    expect(model.connectionStates().get("ESTABLISHED")).toBe(500);
  });

  it("filters, sorts and caps rows so thousands stay cheap to show", () => {
    const { model } = run(3000);
    const rows = [...model.connections.values()].map(connectionRow);
    const all = selectRows(rows, "", "id", false, 300);
    expect(all.matched).toBe(rows.length);
    expect(all.shown).toHaveLength(300);
    const related = selectRows(rows, "related tcp", "id", true, 300);
    expect(related.matched).toBe(240);
    expect(related.shown[0]!.id).toBeGreaterThan(related.shown[1]!.id);
    expect(related.shown.every((r) => r.flags.includes("RELATED"))).toBe(true);
  });
});
