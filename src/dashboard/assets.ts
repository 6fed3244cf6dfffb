/**
 * The dashboard's static files, built by `npm run build` (scripts/build-assets.mjs) into
 * dist/dashboard/assets. They are read once, at start-up, into memory: a request can only ever
 * name one of these files by its exact name, so no request reaches the file system.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface Asset {
  type: string;
  body: Buffer;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".map": "application/json",
};

/** dist/dashboard/assets of this package (the same folder from src/ under tsx and from dist/). */
export function assetDir(): string {
  return fileURLToPath(new URL("../../dist/dashboard/assets/", import.meta.url));
}

export function loadAssets(dir = assetDir()): Map<string, Asset> {
  if (!existsSync(dir)) throw new Error(`the dashboard's assets are not built (${dir} is missing): run npm run build`);
  const out = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const type = TYPES[extname(name)];
    if (!type || !statSync(path).isFile()) continue;
    out.set(name, { type, body: readFileSync(path) });
  }
  for (const need of ["index.html", "app.js", "explore.html", "explore.js"])
    if (!out.has(need))
      throw new Error(`the dashboard's assets are incomplete (${need} missing in ${dir}): run npm run build`);
  return out;
}
