type Gemm<T> = (
  m: number,
  n: number,
  k: number,
  a: T,
  aOff: number,
  transA: boolean,
  b: T,
  bOff: number,
  transB: boolean,
  c: T,
  cOff: number,
) => void;
export declare const available: boolean;
export declare const reason: string;
export declare const path: string;
export declare const dgemm: Gemm<Float64Array> | undefined;
export declare const setThreads: ((n: number) => void) | undefined;
export declare const getThreads: (() => number) | undefined;
export declare const config: (() => string) | undefined;
export declare const corename: (() => string) | undefined;
