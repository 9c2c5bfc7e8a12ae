import type { Gateway } from "@alg-sdk/vnet";
import { runGuestDemo } from "./demo-guests.js";
import { GatewayView } from "./dom-view.js";
import { GatewayModel } from "./model.js";
import { syntheticTraffic } from "./synthetic.js";
import { syntheticGateway } from "./synthetic-gateway.js";

/** What a test or a curious person reads from the console: `window.vnet`. */
interface PageState {
  status: string;
  done: boolean;
  error: string | null;
  gateway: Gateway | null;
  view: GatewayView | null;
}
const state: PageState = { status: "starting", done: false, error: null, gateway: null, view: null };
(globalThis as any).vnet = state;

const statusEl = document.getElementById("status")!;
const setStatus = (text: string) => {
  state.status = text;
  statusEl.textContent = text;
};

function attach(gateway: Gateway): void {
  state.gateway = gateway;
  state.view = new GatewayView(new GatewayModel(gateway), document.getElementById("view")!);
}

/** Feeds the synthetic traffic in slices, so the page stays responsive and redraws as the table fills. */
async function synthetic(connections: number): Promise<void> {
  const gateway = syntheticGateway();
  gateway.connect("lan", () => {});
  gateway.connect("wan", () => {});
  attach(gateway);
  const frames = syntheticTraffic({ connections });
  let ts = 1;
  for (let i = 0; i < frames.length; i += 2000) {
    for (const f of frames.slice(i, i + 2000)) gateway.receive(f.side, f.bytes, (ts += 0.0005));
    setStatus(`synthetic traffic: ${Math.min(frames.length, i + 2000)} of ${frames.length} frames`);
    await new Promise((r) => setTimeout(r, 0));
  }
  setStatus(`synthetic traffic: ${frames.length} frames, ${gateway.engine.connectionCount} connections`);
}

async function main(): Promise<void> {
  const q = new URLSearchParams(location.search);
  try {
    if (q.get("mode") === "guests") {
      await runGuestDemo(q.get("v86") ?? "/v86", q.get("image") ?? "/image", setStatus, attach);
      setStatus("demo finished");
    } else {
      await synthetic(Number(q.get("connections") ?? 5000));
    }
  } catch (e) {
    state.error = String(e);
    setStatus(`error: ${state.error}`);
  }
  state.done = true;
}

void main();
