import { formatExpectation, PACKET_STATE_NAMES } from "@alg-sdk/core";
import { verdictLine } from "./event-line.js";
import type { GatewayModel } from "./model.js";
import type { ConnectionRow, SortKey } from "./rows.js";
import { connectionRow, selectRows } from "./rows.js";

/** Rows of the connection table built into the page at most (the rest is reached by filtering). */
const MAX_ROWS = 300;
const MAX_LOG_LINES = 200;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text = ""): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}

/**
 * Draws the model into `root`, at most once per animation frame and only
 * when something changed: events may arrive thousands of times a second,
 * the page is drawn sixty times a second at most.
 */
export class GatewayView {
  private frameRequested = false;
  private drawnVersion = -1;
  private sort: SortKey = "id";
  private descending = false;
  private readonly rowCache = new Map<number, { info: unknown; row: ConnectionRow }>();
  private readonly parts: Record<string, HTMLElement> = {};
  private readonly filter: HTMLInputElement;
  /** Frames drawn, for tests and the bench. */
  frames = 0;

  constructor(private readonly model: GatewayModel, root: HTMLElement) {
    root.textContent = "";
    const section = (id: string, title: string) => {
      const s = el("section", { id });
      s.append(el("h2", {}, title));
      root.append(s);
      return s;
    };
    this.parts.counters = section("counters", "Counters");
    const conns = section("connections", "Connections");
    this.filter = el("input", { id: "filter", type: "search", placeholder: "filter: words that must all appear (e.g. tcp dport=21 related)" });
    this.filter.addEventListener("input", () => this.schedule(true));
    this.parts.connSummary = el("p", { id: "conn-summary" });
    const table = el("table", { id: "conn-table" });
    const head = el("tr");
    for (const [key, label] of [["id", "id"], ["protocol", "proto"], ["state", "state"], ["original", "original"], ["", "reply"], ["translation", "translation"], ["helper", "helper"], ["", "flags"]] as const) {
      const th = el("th", {}, label);
      if (key) {
        th.classList.add("sortable");
        th.addEventListener("click", () => {
          this.descending = this.sort === key ? !this.descending : false;
          this.sort = key;
          this.schedule(true);
        });
      }
      head.append(th);
    }
    table.append(el("thead"), el("tbody"));
    table.tHead!.append(head);
    this.parts.connBody = table.tBodies[0]!;
    conns.append(this.filter, this.parts.connSummary, table);
    this.parts.expectations = section("expectations", "Pending expectations");
    this.parts.verdicts = section("verdicts", "Firewall verdicts");
    this.parts.events = section("events", "Events (conntrack -E)");
    for (const k of ["expectations", "verdicts", "events"]) this.parts[k]!.append(el("pre", { class: "log" }));
    model.onChange(() => this.schedule(false));
    this.schedule(true);
  }

  /** Asks for a frame; `force` redraws even if the model did not change (filter, sort). */
  schedule(force: boolean): void {
    if (force) this.drawnVersion = -1;
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      if (this.drawnVersion !== this.model.version) this.draw();
    });
  }

  private draw(): void {
    this.drawnVersion = this.model.version;
    this.frames++;
    this.drawCounters();
    this.drawConnections();
    this.drawExpectations();
    const verdicts = this.model.verdicts.latest(MAX_LOG_LINES).reverse().map(verdictLine);
    this.parts.verdicts!.querySelector("pre")!.textContent = verdicts.join("\n");
    this.parts.events!.querySelector("pre")!.textContent = this.model.events.latest(MAX_LOG_LINES).reverse().join("\n");
  }

  private drawCounters(): void {
    // Read straight from the counters (a full snapshot would copy every expectation each frame).
    const g = this.model.gateway;
    const cells: [string, string | number][] = [];
    PACKET_STATE_NAMES.forEach((name, i) => cells.push([`packets ${name}`, g.engine.stats.byState[i] ?? 0]));
    PACKET_STATE_NAMES.forEach((name, i) => cells.push([`dropped ${name}`, g.stats.droppedByState[i] ?? 0]));
    cells.push(["connections", this.model.connections.size], ["expectations", this.model.expectations.size]);
    cells.push(["related conns", this.model.counters.relatedConnections], ["payload rewrites", this.model.counters.rewrites]);
    cells.push(["forwarded", g.stats.forwarded], ["no route", g.stats.noRoute], ["ttl exceeded", g.stats.ttlExceeded]);
    for (const [state, n] of [...this.model.connectionStates()].sort()) cells.push([`conn ${state}`, n]);
    for (const i of g.interfaces) cells.push([`${i.name} rx/tx`, `${i.stats.rxFrames}/${i.stats.txFrames}`]);
    const dl = el("dl", { id: "counter-list" });
    for (const [k, v] of cells) {
      const d = el("div", { "data-counter": k });
      d.append(el("dt", {}, k), el("dd", {}, String(v)));
      dl.append(d);
    }
    this.parts.counters!.querySelector("dl")?.remove();
    this.parts.counters!.append(dl);
  }

  private rows(): ConnectionRow[] {
    const out: ConnectionRow[] = [];
    for (const [id, info] of this.model.connections) {
      let cached = this.rowCache.get(id);
      if (!cached || cached.info !== info) {
        cached = { info, row: connectionRow(info) };
        this.rowCache.set(id, cached);
      }
      out.push(cached.row);
    }
    if (this.rowCache.size > this.model.connections.size * 2) {
      for (const id of this.rowCache.keys()) if (!this.model.connections.has(id)) this.rowCache.delete(id);
    }
    return out;
  }

  private drawConnections(): void {
    const { shown, matched } = selectRows(this.rows(), this.filter.value, this.sort, this.descending, MAX_ROWS);
    const total = this.model.connections.size;
    this.parts.connSummary!.textContent =
      `${total} connections, ${matched} match` + (matched > shown.length ? `, first ${shown.length} shown (sorted by ${this.sort}; refine the filter)` : "");
    const body = this.parts.connBody!;
    const fresh = document.createDocumentFragment();
    for (const r of shown) {
      const tr = el("tr", { "data-id": String(r.id) });
      if (r.flags.includes("RELATED")) tr.classList.add("related");
      if (r.translation) tr.classList.add("translated");
      for (const v of [String(r.id), r.protocol, r.state, r.original, r.reply, r.translation, r.helper, r.flags]) tr.append(el("td", {}, v));
      fresh.append(tr);
    }
    body.replaceChildren(fresh);
  }

  private drawExpectations(): void {
    const lines = [...this.model.expectations.values()].slice(0, MAX_LOG_LINES).map(formatExpectation);
    this.parts.expectations!.querySelector("pre")!.textContent = lines.length ? lines.join("\n") : "(none pending)";
  }
}
