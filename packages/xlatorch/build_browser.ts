// The browser build of xlatorch: one ESM bundle of the public package (the
// torch namespace and xlatorch/safetensors) with no Node built-ins in it, in
// packages/xlatorch/dist-browser/ (index.js, safetensors.js, shared chunks).
//
// Why seams, and how: a few modules need Node (a native BLAS and PJRT plugins
// through koffi, the persistent compile cache's directory, XLATORCH_DUMP_DIR,
// torch.save/load and load_file/save_file on paths, a source fingerprint).
// Each keeps its Node code in one small module, and a browser twin
// `<name>.browser.ts` beside it, exporting the same names typed against it,
// says what happens instead (absent, off, or an error naming the way round).
// This build resolves every import to its twin where one exists; Node and the
// tests never see the twins, so Node behaviour is unchanged. The one twin kept
// elsewhere is serialization/files.ts's (that directory is the checkpoint
// format's own), named in ALIASES below. The global `process` (read for
// XLATORCH_* settings) is injected as an empty environment.
//
// A Node built-in imported on this path fails the build (browserSeams below),
// rather than the page; tests/browser/browser.test.ts also scans the bundle's text.
//
// Run: npx tsx packages/xlatorch/build_browser.ts
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "tsup";

const here = dirname(fileURLToPath(import.meta.url));
const packages = resolve(here, "..");
export const BROWSER_DIST = join(here, "dist-browser");

/** Twins that cannot sit beside their module. */
const ALIASES: Record<string, string> = {
  [join(here, "src/serialization/files.ts")]: join(here, "src/browser/serialization_files.ts"),
};

/** The module a browser gets for the source file `ts`. */
function twin(ts: string): string {
  if (ALIASES[ts]) return ALIASES[ts];
  const b = ts.replace(/\.ts$/, ".browser.ts");
  return existsSync(b) ? b : ts;
}

/** Node's built-in modules, by the names an import may use. */
const NODE_BUILTIN =
  /^(node:.*|fs|fs\/promises|path|os|crypto|zlib|module|url|util|child_process|worker_threads|net|http|https|stream|events|buffer)$/;

interface ResolveArgs {
  path: string;
  resolveDir: string;
  importer: string;
}
type ResolveResult = { path: string } | { errors: { text: string }[] } | undefined;

const browserSeams = {
  name: "xlatorch-browser-seams",
  setup(b: { onResolve(o: { filter: RegExp }, f: (a: ResolveArgs) => ResolveResult): void }) {
    // A Node built-in reached on the browser path fails the build, naming the module that imports it.
    b.onResolve({ filter: NODE_BUILTIN }, (a) => ({
      errors: [{ text: `${a.path} is a Node built-in, imported by ${a.importer}: keep it in a module with a .browser.ts twin` }],
    }));
    // The workspace's packages from their sources, as the tests run them.
    b.onResolve({ filter: /^@xlatorch\/[a-z]+$/ }, (a) => ({
      path: twin(join(packages, a.path.slice("@xlatorch/".length), "src/index.ts")),
    }));
    // Relative imports name the emitted .js; the source is the .ts beside it.
    b.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (a) => {
      const ts = resolve(a.resolveDir, a.path.replace(/\.js$/, ".ts"));
      return existsSync(ts) ? { path: twin(ts) } : undefined;
    });
  },
};

export async function buildBrowser(outDir = BROWSER_DIST): Promise<string> {
  await build({
    config: false,
    entry: { index: join(here, "src/index.ts"), safetensors: join(here, "src/safetensors/index.ts") },
    outDir,
    format: ["esm"],
    platform: "browser",
    target: "es2022",
    splitting: true,
    clean: true,
    dts: false,
    sourcemap: false,
    silent: true,
    noExternal: [/.*/],
    // tsup would otherwise mark `node:` imports external (and drop the prefix), leaving them in the bundle
    removeNodeProtocol: false,
    inject: [join(here, "src/browser/process_shim.ts")],
    esbuildPlugins: [browserSeams as never],
  });
  return outDir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildBrowser().then((d) => console.log(`xlatorch browser build: ${d}`));
}
