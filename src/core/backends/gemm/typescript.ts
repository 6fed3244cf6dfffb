/** The `typescript` GEMM backend: the plain kernel of kernels/matmul.ts, always there (and the oracle of the others). */
import { gemm } from "../../kernels/matmul.ts";
import type { BackendEntry } from "../registry.ts";
import type { GemmBackend } from "./types.ts";

export const typescriptGemm: BackendEntry<GemmBackend> = {
  name: "typescript",
  summary: "plain TypeScript 4×4 register-tiled kernel",
  load: () => ({ dgemm: gemm, minMulAdds: 0, minRows: 1, smallKernels: false, detail: "kernels/matmul.ts" }),
  detail: (b) => b.detail,
};
