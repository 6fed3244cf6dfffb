/**
 * The fault-injection suite (docs/store.md §faults): every attack states its expected outcome and
 * checks that nothing stored was lost. Attacks per theme live in the modules imported here; the
 * counts of attacks tried and survived are printed at the end.
 */
import "./outputs.ts";
import "./ownership.ts";
import "./checkpoints.ts";
import "./bounds.ts";
import "./transient.ts";
import "./readers.ts";
import "./kills.ts";
