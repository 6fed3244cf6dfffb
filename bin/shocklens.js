#!/usr/bin/env node
// The installed command: runs the compiled CLI (built by `npm ci` through the `prepare` script).
import { main } from "../dist/cli/main.js";
main(process.argv).then((code) => { process.exitCode = code; });
