// The live view in real Chromium (Debian's, driven by puppeteer-core; no
// downloaded browser): the page is served on 127.0.0.1, runs the gateway
// itself and draws its tables. Screenshots are kept in view/screenshots/.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildGuestImage } from "../../v86/guest/build-image.mjs";
import { CHROMIUM, chromiumArgs, startServer } from "../serve.mjs";

const shots = fileURLToPath(new URL("../screenshots/", import.meta.url));
const built = fileURLToPath(new URL("../dist/app.js", import.meta.url));

let server: { origin: string; close: () => Promise<void> };
let browser: Browser;
let profile: string;

beforeAll(async () => {
  // npm test builds first; a missing build is a failure, not a skip.
  expect(existsSync(built), "view/dist/app.js: run `npm run build`").toBe(true);
  expect(existsSync(CHROMIUM), `${CHROMIUM}: apt-get install chromium (.ci/run does)`).toBe(true);
  mkdirSync(shots, { recursive: true });
  server = await startServer({ imageDir: buildGuestImage() });
  profile = mkdtempSync(join(tmpdir(), "vnet-view-"));
  browser = await puppeteer.launch({ executablePath: CHROMIUM, args: chromiumArgs(profile), headless: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function open(query: string): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 1000 });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${server.origin}/index.html?${query}`);
  (page as any).errors = errors;
  return page;
}

const text = (page: Page, sel: string) => page.$eval(sel, (e) => e.textContent ?? "");
const counter = (page: Page, name: string) => page.$eval(`[data-counter="${name}"] dd`, (e) => e.textContent ?? "");

describe("live view in Chromium", () => {
  it("fills the tables with 5000 synthetic connections, stays filterable, and draws once per frame at most", async () => {
    const page = await open("mode=synthetic&connections=5000");
    await page.waitForFunction(() => (globalThis as any).vnet?.done === true, { timeout: 60_000 });
    await new Promise((r) => setTimeout(r, 300));
    expect((page as any).errors).toEqual([]);
    // 5000 sessions + 400 RELATED FTP data connections + 100 pings; 100 FTP expectations left pending.
    expect(await text(page, "#conn-summary")).toMatch(/^5500 connections, 5500 match, first 300 shown/);
    expect(await page.$$eval("#conn-table tbody tr", (rows) => rows.length)).toBe(300);
    expect(Number(await counter(page, "related conns"))).toBe(400);
    expect(Number(await counter(page, "expectations"))).toBe(100);
    expect((await text(page, "#expectations pre")).split("\n").filter((l) => l.includes("helper=ftp"))).toHaveLength(100);
    expect(Number(await counter(page, "dropped NEW"))).toBe(200);
    expect(await text(page, "#verdicts pre")).toContain("reason=filtered");
    expect(await text(page, "#events pre")).toContain("[NEW] expect");
    const frames = await page.evaluate(() => (globalThis as any).vnet.view.frames as number);
    expect(frames).toBeGreaterThan(0);
    expect(frames).toBeLessThan(200); // thousands of events, a few dozen frames
    await page.type("#filter", "related dport=");
    await page.waitForFunction(() => document.querySelector("#conn-summary")?.textContent?.includes("400 match"), { timeout: 5000 });
    const flags = await page.$$eval("#conn-table tbody tr td:nth-child(8)", (cells) => cells.map((c) => c.textContent));
    expect(flags.every((f) => f?.includes("RELATED"))).toBe(true);
    await page.screenshot({ path: join(shots, "view-synthetic.png") });
    await page.close();
  }, 90_000);

  it("runs the two Debian guests in the page: pings, FTP and DCC show up as RELATED rows, the WAN's NEW is dropped", async () => {
    const page = await open("mode=guests");
    await page.waitForFunction(() => (globalThis as any).vnet?.done === true, { timeout: 420_000, polling: 1000 });
    expect(await text(page, "#status")).toBe("demo finished");
    expect((page as any).errors).toEqual([]);
    const rows = await page.$$eval("#conn-table tbody tr", (trs) => trs.map((tr) => tr.textContent ?? ""));
    expect(rows.filter((r) => r.includes("RELATED")).length).toBeGreaterThanOrEqual(3); // passive, active, DCC
    expect(rows.some((r) => r.includes("10.0.2.2:21"))).toBe(true);
    expect(rows.some((r) => r.includes("fd00:2::2"))).toBe(true);
    expect(await text(page, "#verdicts pre")).toMatch(/DROP wan->- tcp src=10\.0\.2\.2 dst=10\.0\.1\.2 sport=\d+ dport=2323 state=NEW reason=filtered/);
    expect(await text(page, "#events pre")).toContain("helper=irc");
    await page.screenshot({ path: join(shots, "view-guests.png"), fullPage: true });
    await page.close();
  }, 480_000);
});
