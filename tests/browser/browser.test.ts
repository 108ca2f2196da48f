// xlatorch in a browser: builds the browser bundle (packages/xlatorch/
// build_browser.ts) and the example page (examples/browser), checks the bundle
// holds no Node built-ins, then serves the page on 127.0.0.1 and drives Debian's
// chromium headless through playwright-core: on the cpu and the xla device the
// loss must fall, both canvases must be drawn, and the checkpoints offered for
// download must load back into a model with the same predictions.
// Skipped (with the reason printed) only where /usr/bin/chromium is absent;
// .ci/run installs it.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BROWSER_DIST } from "../../packages/xlatorch/build_browser.js";
import { buildExample, serveExample } from "../../examples/browser/serve.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(`tests/browser: ${CHROMIUM} is absent (apt-get install chromium), so the page is not driven; the bundle is still checked`);

/** An import or require of a Node built-in (or of koffi), in any of the forms a bundle could keep. */
const NODE_IMPORT =
  /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["'](?:node:[\w/]+|fs|fs\/promises|path|os|crypto|zlib|module|url|child_process|worker_threads|net|http|koffi)["']/g;

describe("xlatorch in a browser", () => {
  let server: Server | undefined,
    url = "",
    context: BrowserContext | undefined,
    profile = "";

  beforeAll(async () => {
    await buildExample();
    if (!hasChromium) return;
    ({ server, url } = await serveExample());
    profile = mkdtempSync(join(tmpdir(), "xlatorch-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it("the browser bundle imports no Node built-ins", () => {
    const files = readdirSync(BROWSER_DIST).filter((f) => f.endsWith(".js"));
    expect(files).toEqual(expect.arrayContaining(["index.js", "safetensors.js"]));
    for (const f of [
      ...files.map((f) => join(BROWSER_DIST, f)),
      fileURLToPath(new URL("../../examples/browser/dist/main.js", import.meta.url)),
    ]) {
      const text = readFileSync(f, "utf8");
      expect(text.match(NODE_IMPORT), f).toBeNull();
      expect(text, f).not.toContain("createRequire");
    }
  });

  it.skipIf(!hasChromium)("in the page, paths are refused with the way round and bytes work", async () => {
    const page = await context!.newPage();
    await page.goto(url);
    // A string, not a function: vitest would rewrite a function's import() for Node. Bare
    // specifiers resolve through the page's import map, as in main.ts.
    const got = (await page.evaluate(`(async () => {
      const torch = await import("xlatorch");
      const st = await import("xlatorch/safetensors");
      const refused = (f) => { try { f(); return "accepted"; } catch (e) { return e.message; } };
      const chunks = [];
      torch.save({ w: torch.arange(3) }, { write: (b) => chunks.push(b.slice()) });
      const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      chunks.reduce((at, c) => (bytes.set(c, at), at + c.length), 0);
      return {
        save: refused(() => torch.save({}, "model.pt")),
        load: refused(() => torch.load("model.pt")),
        loadFile: refused(() => st.load_file("model.safetensors")),
        saveFile: refused(() => st.save_file({}, "model.safetensors")),
        roundTrip: torch.load(bytes).w.tolist(),
        safetensors: st.load(st.save({ w: torch.ones(2) })).w.tolist(),
      };
    })()`)) as Record<string, unknown>;
    expect(got.save).toContain("torch.save: paths are not available in a browser");
    expect(got.load).toContain("torch.load: paths are not available in a browser");
    expect(got.loadFile).toContain("load_file: paths are not available in a browser");
    expect(got.saveFile).toContain("save_file: paths are not available in a browser");
    expect(got.roundTrip).toEqual([0, 1, 2]);
    expect(got.safetensors).toEqual([1, 1]);
    await page.close();
  });

  for (const device of ["cpu", "xla"]) {
    it.skipIf(!hasChromium)(`the example page trains on ${device}, plots the loss and offers checkpoints`, async () => {
      const page = await context!.newPage();
      const problems: string[] = [];
      page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(`console.error: ${m.text()}`);
      });
      await page.goto(`${url}?device=${device}&steps=150&autostart=1`);
      await page.waitForFunction(() => (window as unknown as { demo?: { done: boolean } }).demo?.done, null, { timeout: 40_000 });
      const demo = await page.evaluate(() => (window as unknown as { demo: Record<string, unknown> }).demo);
      expect(demo.error).toBeNull();
      expect(problems).toEqual([]);
      expect(demo.device).toBe(device);
      const losses = demo.losses as number[];
      expect(losses.length).toBe(150);
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      expect(mean(losses.slice(-10))).toBeLessThan(mean(losses.slice(0, 10)) / 4);
      expect(demo.accuracy as number).toBeGreaterThan(0.9);

      // Drawn: the loss curve's blue pixels, and the decision regions' coloured ones.
      const drawn = await page.evaluate(() => {
        const count = (id: string, hit: (r: number, g: number, b: number) => boolean) => {
          const c = document.getElementById(id) as HTMLCanvasElement;
          const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4) if (hit(d[i]!, d[i + 1]!, d[i + 2]!)) n++;
          return n;
        };
        return {
          curve: count("loss", (r, g, b) => b > 200 && r < 120 && g < 160),
          field: count("field", (r, g, b) => Math.abs(r - b) > 40 || r < 200 || g < 200),
        };
      });
      expect(drawn.curve).toBeGreaterThan(300);
      expect(drawn.field).toBeGreaterThan(1000);

      // The downloads: blob links to the checkpoints, which the page loaded back with the same predictions.
      expect(demo.checkpointOk).toBe(true);
      expect(demo.checkpointBytes as number).toBeGreaterThan(0);
      expect(demo.safetensorsBytes as number).toBeGreaterThan(0);
      for (const id of ["download-pt", "download-st"]) {
        expect(await page.getAttribute(`#${id}`, "href")).toMatch(/^blob:/);
        expect(await page.isVisible(`#${id}`)).toBe(true);
      }
      if (process.env.XLATORCH_BROWSER_SCREENSHOT)
        await page.screenshot({ path: `${process.env.XLATORCH_BROWSER_SCREENSHOT}_${device}.png` });
      await page.close();
    });
  }
});
