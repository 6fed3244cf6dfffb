/**
 * Errors shared by the library and the CLI. Library code throws `InputError` for bad user input
 * (malformed config, corrupt or hostile files, wrong shapes, NaN data); its message is one line
 * that names the offending file/field and what was expected. The CLI prints it and exits with 2.
 * Any other error is a runtime failure (exit 1).
 */
export class InputError extends Error {
  override name = "InputError";
}
