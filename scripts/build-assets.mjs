// Builds the dashboard's static files into dist/dashboard/assets: the pages, and their scripts
// bundled by esbuild — the Explore page carries the numeric core (src/pde) so it computes in the
// browser, and the dashboard carries uPlot. No network, no source maps (the page ships as is).
import { build } from "esbuild";
import { copyFileSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const client = join(root, "src/dashboard/client");
const out = join(root, "dist/dashboard/assets");
// built next to the target and renamed into place, so a reader never sees a half-built folder
const tmp = `${out}.tmp-${process.pid}`;
rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });
await build({
  entryPoints: { app: join(client, "app.ts"), explore: join(client, "explore.ts") },
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2020",
  minify: true,
  outdir: tmp,
  logLevel: "warning",
  legalComments: "none",
});
for (const page of ["index.html", "explore.html"]) copyFileSync(join(client, page), join(tmp, page));
rmSync(out, { recursive: true, force: true });
renameSync(tmp, out);
