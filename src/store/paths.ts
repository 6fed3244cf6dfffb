/** Where the run store lives: `--store` beats `$SHOCKLENS_STORE` beats `./shocklens.db`. */
import { InputError } from "../errors.ts";

export const DEFAULT_STORE_PATH = "./shocklens.db";
export const STORE_ENV_VAR = "SHOCKLENS_STORE";

/** The store path to use, given the `--store` option if any (an empty environment variable counts as unset). */
export function resolveStorePath(cliOption?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (cliOption !== undefined) {
    if (cliOption.trim() === "") throw new InputError("--store: expected a file path, got an empty string");
    return cliOption;
  }
  const fromEnv = env[STORE_ENV_VAR];
  if (fromEnv !== undefined && fromEnv.trim() !== "") return fromEnv;
  return DEFAULT_STORE_PATH;
}
