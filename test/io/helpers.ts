/** Shared test utilities for the io codecs: arbitraries, bit-exact comparison, error assertions. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { InputError } from "../../src/errors.ts";
import { bytesToData, dtypeSize, DTYPES, numel, type DType, type NDArray } from "../../src/io/ndarray.ts";

/** Asserts that `fn` throws an InputError whose message matches `pattern`. */
export function assertInputError(fn: () => unknown, pattern: RegExp, label = ""): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof InputError, `${label}: expected InputError, got ${String(err)}`);
    assert.match(err.message, pattern, label);
    assert.ok(!err.message.includes("\n"), "message must be one line");
    return true;
  });
}

/** Runs `fn`; passes when it returns or throws InputError, fails on any other exception. */
export function onlyInputError(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
  }
}

/** Arbitrary bytes (up to 300): decoding them must succeed or raise an InputError. */
export function arbitraryBytesOnlyRaiseInputError(decode: (bytes: Uint8Array) => unknown): void {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => onlyInputError(() => decode(bytes))),
    { numRuns: 1000 },
  );
}

/** The dtypes .npy and .npz store (all but BF16, which numpy lacks). */
export const NPY_DTYPES = DTYPES.filter((d) => d !== "BF16");

/** Up to four random byte edits of a valid encoding: decoding it must succeed or raise an InputError. */
export function mutationsOnlyRaiseInputError(valid: Uint8Array, decode: (bytes: Uint8Array) => unknown): void {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      (edits) => {
        const bytes = valid.slice();
        for (const [i, b] of edits) bytes[i] = b;
        onlyInputError(() => decode(bytes));
      },
    ),
    { numRuns: 1000 },
  );
}

/** Bytes of an array's storage (host order; every supported host is little-endian). */
export function rawBytes(arr: NDArray): Uint8Array {
  return new Uint8Array(arr.data.buffer, arr.data.byteOffset, arr.data.byteLength);
}

/** Asserts two arrays have the same dtype, shape and bit-identical data (NaN payloads, -0 included). */
export function assertSameArray(actual: NDArray, expected: NDArray, label = ""): void {
  assert.equal(actual.dtype, expected.dtype, `${label} dtype`);
  assert.deepEqual(actual.shape, expected.shape, `${label} shape`);
  assert.equal(actual.data.constructor, expected.data.constructor, `${label} storage class`);
  assert.ok(Buffer.from(rawBytes(actual)).equals(Buffer.from(rawBytes(expected))), `${label} data bits differ`);
}

/** Builds an NDArray from little-endian bytes. */
export function arrayFromBytes(dtype: DType, shape: number[], bytes: Uint8Array): NDArray {
  return { dtype, shape, data: bytesToData(dtype, bytes) };
}

function le(bytes: number[][]): number[] {
  return bytes.flat();
}

/** `word` as the `size` little-endian bytes a file stores. */
function littleEndian(word: bigint, size: number): number[] {
  return Array.from({ length: size }, (_, i) => Number((word >> BigInt(8 * i)) & 0xffn));
}

// Bit patterns worth hitting on purpose, each written as the dtype's word in hex: NaNs (quiet,
// signalling, with payload), infinities, signed zeros, extremes and subnormals.
const SPECIAL_WORDS: Record<DType, bigint[]> = {
  F64: [
    0x7ff8000000000000n, // quiet NaN
    0x7ff0000000000001n, // signalling NaN
    0x7ff0000000000000n, // +∞
    0xfff0000000000000n, // −∞
    0x8000000000000000n, // −0
    0x0000000000000001n, // smallest subnormal
    0x7fefffffffffffffn, // largest finite
    0x0000000000000000n, // +0
  ],
  F32: [0x7fc00000n, 0xff800001n, 0x7f800000n, 0xff800000n, 0x80000000n, 0x00000001n],
  F16: [0x7e00n, 0xfc01n, 0x7c00n, 0xfc00n, 0x8000n, 0x0001n, 0x7bffn],
  BF16: [0x7fc0n, 0x7f80n, 0xff80n, 0x8000n, 0x0001n, 0x7f7fn],
  I64: [0x8000000000000000n, 0x7fffffffffffffffn, 0xffffffffffffffffn],
  I32: [0x80000000n, 0x7fffffffn],
  I16: [0x8000n, 0x7fffn],
  I8: [0x80n, 0x7fn],
  U8: [0x00n, 0xffn],
  BOOL: [0x00n, 0x01n],
};

/** Arbitrary NDArray of the given dtypes: rank 0-4, dims 0-4, data random bits or special values. */
export function arbNDArray(dtypes: readonly DType[] = DTYPES): fc.Arbitrary<NDArray> {
  return fc
    .record({
      dtype: fc.constantFrom(...dtypes),
      shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
    })
    .chain(({ dtype, shape }) => {
      const n = numel(shape);
      const size = dtypeSize(dtype);
      const words = SPECIAL_WORDS[dtype].map((w) => littleEndian(w, size));
      const special = fc.array(fc.constantFrom(...words), { minLength: n, maxLength: n }).map(le);
      const random = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: n * size, maxLength: n * size });
      // BOOL data other than 0/1 is not a valid NumPy bool, so only the special values are used.
      const bytes = dtype === "BOOL" ? special : fc.oneof(random, special);
      return bytes.map((b) => arrayFromBytes(dtype, shape, Uint8Array.from(b)));
    });
}

/** A fresh temporary directory, removed by the returned cleanup function. */
export function tempDir(prefix = "shocklens-io-"): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The first Python interpreter with numpy among python3 and /usr/bin/python3, or why none was found. */
export function findNumpyPython(): { python?: string; why: string } {
  const reasons: string[] = [];
  for (const candidate of ["python3", "/usr/bin/python3"]) {
    const r = spawnSync(candidate, ["-c", "import numpy"], { encoding: "utf8" });
    if (r.status === 0) return { python: candidate, why: "" };
    reasons.push(`${candidate}: ${r.error ? r.error.message : (r.stderr.trim().split("\n").pop() ?? "failed")}`);
  }
  return { why: reasons.join("; ") };
}

/** Runs a Python script with `python`, failing the test with its stderr when it exits non-zero. */
export function runPython(python: string, script: string, args: string[] = []): string {
  const r = spawnSync(python, ["-c", script, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `python failed: ${r.stderr}`);
  return r.stdout;
}

/** The path of a committed fixture under test/fixtures/io. */
export function fixture(name: string): string {
  return path.join(import.meta.dirname, "..", "fixtures", "io", name);
}
