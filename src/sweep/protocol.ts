/**
 * The messages between a process pool and its child processes (Node IPC with the structured-clone
 * serialisation, so typed arrays and bytes cross unchanged). One job at a time per child.
 */
import type { RunRecord } from "./record.ts";
import type { Bundle, JobTask } from "./runJob.ts";

export type ToChild =
  | { type: "run"; task: JobTask; bundle: Bundle | null; wantBundles: boolean }
  /** Finish the current step, checkpoint, report `interrupted`. */
  | { type: "stop" };

export type FromChild =
  | { type: "ready" }
  | { type: "start"; jobId: string; fromStep: number; totalSteps: number }
  | { type: "progress"; jobId: string; step: number; totalSteps: number }
  | { type: "bundle"; jobId: string; bundle: Bundle }
  | { type: "result"; jobId: string; record: RunRecord }
  | { type: "interrupted"; jobId: string; step: number }
  /** `input`: bad input (the job would fail the same way again: no retry). */
  | { type: "error"; jobId: string; message: string; input: boolean };
