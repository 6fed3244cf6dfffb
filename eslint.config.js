// ESLint flat config. Formatting (indentation, quotes, wrapping) is Prettier's job (`npm run format`);
// ESLint checks correctness and the few house rules Prettier cannot express: no line over 140 characters
// (Prettier wraps code at 120 but leaves comments and long strings alone) and no unseeded randomness in
// the library (every random draw goes through the seeded keys of src/core/random.ts).
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

// The Node globals the plain JavaScript files use (TypeScript files are checked by tsc instead of no-undef).
const nodeGlobals = Object.fromEntries(
  ["process", "console", "Buffer", "URL", "setTimeout", "clearTimeout", "globalThis"].map((name) => [name, "readonly"]),
);

export default defineConfig(
  {
    ignores: ["node_modules/", "dist/", ".bench-build/", ".bench-cache/", "assembly/", "native/blas/build/", "tmp/"],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: nodeGlobals,
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // Core max-len is frozen (deprecated in favour of @stylistic) but still shipped and sufficient here.
      "max-len": ["error", { code: 140, tabWidth: 2, ignoreUrls: true }],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" },
      ],
    },
  },
  {
    // The native addon's loader is CommonJS (a package of its own, required by the GEMM backend).
    files: ["native/blas/index.js"],
    languageOptions: {
      sourceType: "commonjs",
      globals: { ...nodeGlobals, require: "readonly", module: "writable", __dirname: "readonly" },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // The in-process CLI helpers capture this process's stdout and stderr while the command runs: a call
    // that is not awaited would pass unchecked and capture the next test's output. (Without type
    // information ESLint cannot see floating promises in general; these two are the ones that matter.)
    files: ["test/**/*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "ExpressionStatement > CallExpression[callee.name=/^(expectUsageError|runCliInProcess)$/]",
          message: "await it: the CLI runs in this process and its checks only count when awaited.",
        },
      ],
    },
  },
  {
    files: ["src/**/*.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        {
          object: "Math",
          property: "random",
          message: "Unseeded randomness: draw from a key of src/core/random.ts so runs are reproducible.",
        },
      ],
    },
  },
);
