import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createEngine } from "@alg-sdk/core";
import { readCapture } from "@alg-sdk/pcap";
import { describe, expect, it } from "vitest";
import { icmpHelper } from "../src/index.js";

const file = (name: string) => fileURLToPath(new URL(`./fixtures/icmp-errors/${name}`, import.meta.url));

describe("icmp-errors trace recorded through a Linux 6.18 router", () => {
  it("every packet gets Linux's state and direction", () => {
    const labels = readFileSync(file("labels.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const engine = createEngine({ helpers: [icmpHelper()] });
    const ours = [...readCapture(readFileSync(file("trace-raw.pcap")))].map((rec) => {
      const r = engine.process(rec.data, rec.tsSeconds);
      return `${r.stateName}/${r.directionName}`;
    });
    expect(ours).toEqual(labels.map((l: { label: string; ct_dir: string | null }) => `${l.label}/${l.ct_dir}`));
  });
});
