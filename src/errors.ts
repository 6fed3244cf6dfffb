/**
 * Errors shared by the library and the CLI. Library code throws `InputError` for bad user input
 * (malformed config, corrupt or hostile files, wrong shapes, NaN data); its message is one line
 * that names the offending file/field and what was expected, and `field` names the field when the
 * error is about one value (src/validate.ts sets it), so the CLI can name the option the user
 * typed. The CLI prints it and exits with 2. Any other error is a runtime failure (exit 1).
 */
export class InputError extends Error {
  override name = "InputError";
  /** The field the message starts with ("cfl", "model.sizes.1"), when the error is about one value. */
  readonly field?: string;

  constructor(message: string, options?: { field?: string }) {
    super(message);
    if (options?.field !== undefined) this.field = options.field;
  }
}
