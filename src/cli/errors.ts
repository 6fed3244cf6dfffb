/** Exit codes of every command (docs/cli.md §exit-codes). `InputError` lives in ../errors.ts (library level). */
export { InputError } from "../errors.ts";
export const EXIT_OK = 0;
export const EXIT_RUNTIME = 1;
export const EXIT_USAGE = 2;
