import { createEngine } from "@alg-sdk/core";
import { describe, expect, it } from "vitest";
import { icmpHelper } from "../src/index.js";
import { loadTrace } from "../../../test/support/linux-trace.js";

describe("icmp-errors trace recorded through a Linux 6.18 router", () => {
  it("every packet gets Linux's state and direction", () => {
    const { packets, labels } = loadTrace("icmp-errors");
    const engine = createEngine({ helpers: [icmpHelper()] });
    const ours = packets.map((p) => {
      const r = engine.process(p.bytes, p.ts);
      return `${r.stateName}/${r.directionName}`;
    });
    expect(ours).toEqual(labels.map((l) => `${l.label}/${l.ct_dir}`));
  });
});
