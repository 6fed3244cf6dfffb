import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  bf16ToNumber,
  checkNDArray,
  dtypeSize,
  DTYPES,
  f16ToNumber,
  fromFloat64,
  numberToBF16,
  numberToF16,
  numel,
  toFloat64,
  type DType,
} from "../../src/io/ndarray.ts";
import { assertInputError } from "./helpers.ts";

test("dtypeSize and numel", () => {
  const sizes: Record<DType, number> = {
    F64: 8,
    F32: 4,
    F16: 2,
    BF16: 2,
    I64: 8,
    I32: 4,
    I16: 2,
    I8: 1,
    U8: 1,
    BOOL: 1,
  };
  for (const d of DTYPES) assert.equal(dtypeSize(d), sizes[d]);
  assert.equal(numel([]), 1);
  assert.equal(numel([0]), 0);
  assert.equal(numel([1, 0, 3]), 0);
  assert.equal(numel([2, 3, 4]), 24);
  assertInputError(() => numel([2, -1]), /dimension -1/);
  assertInputError(() => numel([1.5]), /dimension 1.5/);
  assertInputError(() => numel([2 ** 30, 2 ** 30, 2 ** 30]), /too many elements/);
});

test("F16 known bit patterns", () => {
  const cases: [number, number][] = [
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff],
    [2 ** -24, 0x0001],
    [2 ** -14, 0x0400],
    [0, 0x0000],
    [-0, 0x8000],
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
    [0.333251953125, 0x3555],
  ];
  for (const [x, bits] of cases) {
    assert.equal(numberToF16(x), bits, `encode ${x}`);
    assert.ok(Object.is(f16ToNumber(bits), x), `decode ${bits}`);
  }
  assert.equal(numberToF16(1 / 3), 0x3555);
  assert.equal(numberToF16(65519.99), 0x7bff, "just below the rounding boundary stays finite");
  assert.equal(numberToF16(65520), 0x7c00, "the midpoint to 2^16 rounds (to even) to Inf");
  assert.equal(numberToF16(2 ** -25), 0x0000, "half the smallest subnormal ties to even (zero)");
  assert.equal(numberToF16(3 * 2 ** -25), 0x0002, "1.5 subnormal units tie to even (2)");
  assert.equal(numberToF16(1 + 2 ** -11), 0x3c00, "tie between 1 and next rounds to even");
  assert.equal(numberToF16(1 + 3 * 2 ** -11), 0x3c02);
  assert.equal(numberToF16(2 ** -14 - 2 ** -25), 0x0400, "rounding up out of the subnormals");
  assert.ok(Number.isNaN(f16ToNumber(numberToF16(NaN))));
  assert.equal(numberToF16(1e-300), 0);
  assert.equal(numberToF16(-1e300), 0xfc00);
});

test("BF16 known bit patterns", () => {
  assert.equal(numberToBF16(1), 0x3f80);
  assert.equal(numberToBF16(-2), 0xc000);
  assert.equal(numberToBF16(Infinity), 0x7f80);
  assert.equal(numberToBF16(1 + 2 ** -8), 0x3f80, "tie to even");
  assert.equal(numberToBF16(1 + 3 * 2 ** -8), 0x3f82);
  assert.equal(bf16ToNumber(0x0001), 2 ** -133);
  assert.equal(numberToBF16(3.389e38), 0x7f7f, "largest finite bf16");
  assert.equal(numberToBF16(3.5e38), 0x7f80, "past the largest finite bf16");
  assert.ok(Number.isNaN(bf16ToNumber(numberToBF16(NaN))));
});

test("F16 and BF16: every non-NaN bit pattern survives decode then encode (exhaustive)", () => {
  for (let bits = 0; bits < 0x10000; bits++) {
    const h = f16ToNumber(bits);
    if (Number.isNaN(h)) assert.ok((bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0);
    else assert.equal(numberToF16(h), bits, `f16 ${bits.toString(16)}`);
    const b = bf16ToNumber(bits);
    if (Number.isNaN(b)) assert.ok((bits & 0x7f80) === 0x7f80 && (bits & 0x7f) !== 0);
    else assert.equal(numberToBF16(b), bits, `bf16 ${bits.toString(16)}`);
    // bfloat16 is the top half of float32, which gives an independent decoder to compare with.
    assert.ok(Object.is(b, new Float32Array(new Uint32Array([bits << 16]).buffer)[0]) || Number.isNaN(b));
  }
});

test("F16/BF16 encoding picks the nearest representable value (property)", () => {
  for (const [enc, dec, max] of [
    [numberToF16, f16ToNumber, 0x7bff],
    [numberToBF16, bf16ToNumber, 0x7f7f],
  ] as const) {
    fc.assert(
      fc.property(fc.double({ noNaN: true, min: -(dec(max) * 1.001), max: dec(max) * 1.001 }), (x) => {
        const bits = enc(x);
        const r = dec(bits);
        if (!Number.isFinite(r)) return Math.abs(x) >= dec(max);
        const mag = bits & 0x7fff;
        const neighbours = [mag - 1, mag + 1].filter((m) => m >= 0 && m <= max).map((m) => dec(m) * Math.sign(r || 1));
        return neighbours.every((nb) => Math.abs(x - r) <= Math.abs(x - nb));
      }),
      { numRuns: 2000 },
    );
  }
});

test("toFloat64 converts every dtype", () => {
  const values = [0, 1, -1, 100, -100];
  for (const d of ["F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8"] as const) {
    assert.deepEqual([...toFloat64(fromFloat64(values, [5], d))], values, d);
  }
  assert.deepEqual([...toFloat64(fromFloat64([0, 255], [2], "U8"))], [0, 255]);
  assert.deepEqual([...toFloat64(fromFloat64([1, 0], [2], "BOOL"))], [1, 0]);
  const big = { dtype: "I64" as const, shape: [2], data: new BigInt64Array([2n ** 53n, -(2n ** 53n)]) };
  assert.deepEqual([...toFloat64(big)], [2 ** 53, -(2 ** 53)]);
  assertInputError(
    () => toFloat64({ dtype: "I64", shape: [2], data: new BigInt64Array([0n, 2n ** 53n + 1n]) }),
    /I64 value 9007199254740993 at flat index 1 exceeds 2\^53/,
  );
});

test("fromFloat64 validates integer targets and rounds float targets", () => {
  assertInputError(() => fromFloat64([1.5], [1], "I32"), /1.5 .* not representable as I32/);
  assertInputError(() => fromFloat64([128], [1], "I8"), /128 .* I8/);
  assertInputError(() => fromFloat64([-1], [1], "U8"), /-1 .* U8/);
  assertInputError(() => fromFloat64([2], [1], "BOOL"), /BOOL/);
  assertInputError(() => fromFloat64([NaN], [1], "I16"), /NaN/);
  assertInputError(() => fromFloat64([2 ** 63], [1], "I64"), /I64/);
  assertInputError(() => fromFloat64([1, 2], [3]), /2 values but shape \[3\] needs 3/);
  assertInputError(() => fromFloat64([1], [1], "X" as DType), /unsupported dtype "X"/);
  assert.equal((fromFloat64([-(2 ** 63)], [1], "I64").data as BigInt64Array)[0], -(2n ** 63n));
  assert.equal(fromFloat64([0.1], [1], "F32").data[0], Math.fround(0.1));
  const scalar = fromFloat64([7], []);
  assert.deepEqual(scalar.shape, []);
  assert.equal(scalar.data.length, 1);
});

test("checkNDArray rejects inconsistent arrays", () => {
  checkNDArray(fromFloat64([1, 2], [2]), "x");
  assertInputError(
    () => checkNDArray({ dtype: "F32", shape: [2], data: new Float64Array(2) }, "t"),
    /t: F32 data must be a Float32Array/,
  );
  assertInputError(
    () => checkNDArray({ dtype: "F64", shape: [3], data: new Float64Array(2) }, "t"),
    /2 elements but shape \[3\] needs 3/,
  );
  assertInputError(
    () => checkNDArray({ dtype: "Q" as DType, shape: [], data: new Float64Array(1) }, "t"),
    /unsupported dtype/,
  );
});
