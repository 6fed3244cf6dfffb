#!/usr/bin/env node
// The installed command: the compiled CLI (built by `npm ci` / `npm run build` through `prepare`).
import "../dist/cli/bin.js";
