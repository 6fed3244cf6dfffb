/** The package version, kept in one place for `--version` and file metadata. */
export const VERSION = "0.1.0";
