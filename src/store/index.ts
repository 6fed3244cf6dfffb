/** The run store: SQLite persistence of runs, their scalars, events and artifacts, and exports. */
export type * from "./types.ts";
export { RUN_STATUSES } from "./types.ts";
export { SqliteRunStore, type OpenOptions } from "./sqlite.ts";
export { RunReader } from "./reader.ts";
export { LEASE_TTL_S, LeaseLostError } from "./lease.ts";
export { resolveStorePath, DEFAULT_STORE_PATH, STORE_ENV_VAR } from "./paths.ts";
export { exportRun, EXPORT_FORMATS, type ExportFormat, type ExportResult, type ExportOptions } from "./export.ts";
export { MIGRATIONS, SCHEMA_VERSION, migrate, type Migration } from "./schema.ts";
export { canonicalJson, flattenParams, encodeScalar, decodeScalar, NonFinite } from "./codec.ts";
export { formatRunList, formatRunDetail } from "./format.ts";
