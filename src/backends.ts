/**
 * The public `backends` namespace: the one backend registry (core/backends/registry.ts) with its
 * two axes — the GEMM (core/backends/gemm/) and the PDE stencils (pde/fused/kernels.ts) — and the
 * explicit selection API. Nothing loads until a backend is first used or reported.
 */
export {
  BackendAxis,
  BackendUnavailableError,
  backendAxes,
  selectForcedBackends,
  useBackend,
  type AxisReport,
  type BackendEntry,
  type BackendStatus,
} from "./core/backends/registry.ts";
export {
  gemmBackends,
  gemmBackendName,
  gemmInfo,
  gemmThreads,
  setGemmThreads,
  useGemmBackend,
  type GemmBackend,
  type GemmFn,
  type GemmInfo,
} from "./core/backends/gemm/index.ts";
export { stencilBackends, type StageKernels, type StencilBackend } from "./pde/fused/kernels.ts";
