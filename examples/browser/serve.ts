// Builds the browser example and serves it on 127.0.0.1 (node:http, no
// dependencies): the page (index.html), its script (main.ts bundled to
// dist/main.js, with "xlatorch" left to the page's import map) and xlatorch's
// browser build (packages/xlatorch/dist-browser, served under /xlatorch/).
// Run: npx tsx examples/browser/serve.ts [port]   (then open the printed URL)
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "tsup";
import { BROWSER_DIST, buildBrowser } from "../../packages/xlatorch/build_browser.js";

const here = dirname(fileURLToPath(import.meta.url));

/** xlatorch's browser build, then the page's script against it. */
export async function buildExample(): Promise<void> {
  await buildBrowser();
  await build({
    config: false,
    entry: { main: join(here, "main.ts") },
    outDir: join(here, "dist"),
    format: ["esm"],
    platform: "browser",
    target: "es2022",
    clean: true,
    dts: false,
    silent: true,
    external: ["xlatorch", "xlatorch/safetensors"],
  });
}

const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8" };

/** Serves the example; resolves with the server and its URL once listening. */
export function serveExample(port = 0): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    let file: string | null = null;
    if (path === "/" || path === "/index.html") file = join(here, "index.html");
    else if (path === "/dist/main.js") file = join(here, "dist/main.js");
    else if (/^\/xlatorch\/[\w.-]+\.js$/.test(path)) file = join(BROWSER_DIST, path.slice("/xlatorch/".length));
    if (!file || !existsSync(file)) {
      res.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${path}`);
      return;
    }
    res.writeHead(200, {
      "content-type": TYPES[file.slice(file.lastIndexOf("."))] ?? "application/octet-stream",
      "cache-control": "no-store",
    });
    res.end(readFileSync(file));
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => ok({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildExample();
  const { url } = await serveExample(Number(process.argv[2] ?? 8080));
  console.log(`xlatorch browser example: ${url} (Ctrl-C to stop)`);
}
