import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { fromFloat64, toFloat64, type DType, type NDArray } from "../../src/io/ndarray.ts";
import { decodeNpy, encodeNpy, readNpy, writeNpy } from "../../src/io/npy.ts";
import { parsePyLiteral } from "../../src/io/pyliteral.ts";
import {
  arbNDArray,
  assertInputError,
  assertSameArray,
  fixture,
  onlyInputError,
  tempDir,
  mutationsOnlyRaiseInputError,
  arbitraryBytesOnlyRaiseInputError,
  NPY_DTYPES,
} from "./helpers.ts";

/** A .npy image with the given version, raw header text and data. */
function npy(header: string, data: number[] | Uint8Array = [], version = 1): Uint8Array {
  const h = new TextEncoder().encode(header);
  const prefix = version === 1 ? 10 : 12;
  const out = new Uint8Array(prefix + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, h.length, true);
  else view.setUint32(8, h.length, true);
  out.set(h, prefix);
  out.set(data, prefix + h.length);
  return out;
}
const hdr = (descr: string, shape: string, fortran = "False") =>
  `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }\n`;

test("parsePyLiteral handles the header subset and nothing more", () => {
  const d = parsePyLiteral(
    "{'descr': '<f8', \"fortran_order\": True, 'shape': (2, 3L,), 'x': [None, -1, ()], 'y': (4)}",
  );
  assert.ok(d instanceof Map);
  assert.deepEqual(
    [...d.entries()],
    [
      ["descr", "<f8"],
      ["fortran_order", true],
      ["shape", [2, 3]],
      ["x", [null, -1, []]],
      ["y", 4],
    ],
  );
  assert.deepEqual(parsePyLiteral("(3,)"), [3]);
  assert.ok(Number.isNaN(parsePyLiteral("123456789012345678901234567890") as number));
  for (const bad of [
    "{'a': 1",
    "__import__('os')",
    "{'a': 1, 'a': 2}",
    "'abc",
    "(1 2)",
    "{1: 2}",
    "[".repeat(100) + "]".repeat(100),
    "1 2",
  ]) {
    assert.throws(() => parsePyLiteral(bad), Error, bad.slice(0, 20));
  }
});

test("round-trips every dtype and edge shapes", () => {
  for (const dtype of NPY_DTYPES) {
    for (const shape of [[], [0], [1, 0, 3], [5], [2, 3]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const arr = fromFloat64(
        Array.from({ length: n }, (_, i) => (dtype === "BOOL" ? i % 2 : dtype === "U8" ? i : i - 2)),
        shape,
        dtype as DType,
      );
      const bytes = encodeNpy(arr);
      const headerLen = new DataView(bytes.buffer).getUint16(8, true);
      assert.equal((10 + headerLen) % 64, 0, "data aligned to 64");
      assert.equal(bytes[10 + headerLen - 1], 0x0a, "header ends with a newline");
      assertSameArray(decodeNpy(bytes), arr, `${dtype} ${shape}`);
    }
  }
});

test("writes the header numpy writes", () => {
  const header = (arr: NDArray): string => {
    const bytes = encodeNpy(arr);
    return new TextDecoder().decode(bytes.subarray(10, 10 + new DataView(bytes.buffer).getUint16(8, true)));
  };
  assert.match(
    header(fromFloat64([1, 2, 3], [3])),
    /^\{'descr': '<f8', 'fortran_order': False, 'shape': \(3,\), \} +\n$/,
  );
  assert.match(header(fromFloat64([1], [])), /^\{'descr': '<f8', 'fortran_order': False, 'shape': \(\), \} +\n$/);
  assert.match(
    header(fromFloat64([1, 0], [1, 2], "BOOL")),
    /^\{'descr': '\|b1', 'fortran_order': False, 'shape': \(1, 2\), \} +\n$/,
  );
});

test("switches to version 2.0 when the header outgrows 65535 bytes", () => {
  const shape = [...Array<number>(25000).fill(1), 2];
  const arr = fromFloat64([1, 2], shape, "I16");
  const bytes = encodeNpy(arr);
  assert.equal(bytes[6], 2);
  assert.equal((12 + new DataView(bytes.buffer).getUint32(8, true)) % 64, 0);
  assertSameArray(decodeNpy(bytes), arr);
});

test("round-trips random arrays bit-exactly (property)", () => {
  fc.assert(
    fc.property(arbNDArray(NPY_DTYPES), (arr) => assertSameArray(decodeNpy(encodeNpy(arr)), arr)),
    { numRuns: 500 },
  );
});

test("reads versions 2.0 and 3.0, big-endian, Fortran order and unsigned types", () => {
  const big = new Uint8Array(16);
  const v = new DataView(big.buffer);
  v.setFloat64(0, 1.5, false);
  v.setFloat64(8, -0, false);
  assert.deepEqual([...decodeNpy(npy(hdr(">f8", "(2,)"), big)).data], [1.5, -0]);
  assert.ok(Object.is(decodeNpy(npy(hdr(">f8", "(2,)"), big)).data[1], -0));
  assert.deepEqual([...decodeNpy(npy(hdr(">i2", "(2,)"), [0x01, 0x02, 0xff, 0xfe], 2)).data], [0x0102, -2]);
  assert.deepEqual([...decodeNpy(npy(hdr("<i1", "(2,)"), [0xff, 1], 3)).data], [-1, 1]);
  // Column-major 2x3 [[0,1,2],[3,4,5]] is stored 0,3,1,4,2,5.
  const f = decodeNpy(npy(hdr("|u1", "(2, 3)", "True"), [0, 3, 1, 4, 2, 5]));
  assert.deepEqual([...f.data], [0, 1, 2, 3, 4, 5]);
  const f3 = decodeNpy(npy(hdr("|u1", "(2, 3, 2)", "True"), [0, 6, 2, 8, 4, 10, 1, 7, 3, 9, 5, 11]));
  assert.deepEqual([...f3.data], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  const u2 = decodeNpy(npy(hdr(">u2", "(1,)"), [0xff, 0xfe]));
  assert.equal(u2.dtype, "I32");
  assert.deepEqual([...u2.data], [0xfffe]);
  const u4 = decodeNpy(npy(hdr("<u4", "(1,)"), [0xff, 0xff, 0xff, 0xff]));
  assert.equal(u4.dtype, "I64");
  assert.deepEqual([...u4.data], [0xffffffffn]);
  const u8 = decodeNpy(npy(hdr("<u8", "(1,)"), [1, 0, 0, 0, 0, 0, 0, 0x7f]));
  assert.deepEqual([...u8.data], [0x7f00000000000001n]);
});

test("reads files written by numpy (committed fixtures)", () => {
  const fortran = readNpy(fixture("be_fortran_f8.npy"));
  assert.deepEqual(fortran.shape, [2, 3]);
  assert.deepEqual([...fortran.data], [0, 1, 2, 3, 4, 5]);
  assert.deepEqual([...readNpy(fixture("v2_i4.npy")).data], [1, -2, 3, 4]);
  const v3 = readNpy(fixture("v3_f4.npy"));
  assert.equal(v3.dtype, "F32");
  assert.ok(Object.is(v3.data[1], -0));
  assert.deepEqual([...v3.data], [1.5, -0, Infinity]);
  const scalar = readNpy(fixture("scalar_f8.npy"));
  assert.deepEqual(scalar.shape, []);
  assert.deepEqual([...toFloat64(scalar)], [-2.5]);
  assert.deepEqual([...readNpy(fixture("u2.npy")).data], [0, 65535]);
  assertInputError(
    () => readNpy(fixture("u8_big.npy")),
    /u8_big\.npy: uint64 value 9223372036854775808 at flat index 0 does not fit in I64/,
  );
});

test("rejects corrupt files with a message naming the problem", () => {
  const ok = hdr("<f8", "(1,)");
  const one = [0, 0, 0, 0, 0, 0, 0xf0, 0x3f];
  const cases: [string, Uint8Array, RegExp][] = [
    ["empty", new Uint8Array(0), /missing \\x93NUMPY magic/],
    ["bad magic", npy(ok, one).map((b, i) => (i === 1 ? 0x4f : b)), /missing \\x93NUMPY magic/],
    ["version 4", npy(ok, one).map((b, i) => (i === 6 ? 4 : b)), /unsupported format version 4\.0/],
    ["minor 1", npy(ok, one).map((b, i) => (i === 7 ? 1 : b)), /unsupported format version 1\.1/],
    ["v2 short", npy(ok, one, 2).subarray(0, 11), /too short for the header length/],
    ["header past end", npy(ok, one).subarray(0, 40), /header length 58 runs past the end of the 40-byte file/],
    ["huge v2 header", npy(ok, one, 2).map((b, i) => (i === 11 ? 0x7f : b)), /exceeds the 1048576-byte limit/],
    ["not a literal", npy("{'descr': <f8}\n"), /header is not a valid Python literal/],
    ["code injection", npy("__import__('os').system('x')\n"), /not a valid Python literal/],
    ["not a dict", npy("[1, 2]\n"), /header is not a dict/],
    ["missing key", npy("{'descr': '<f8', 'shape': (1,)}\n", one), /header keys are \{descr,shape\}/],
    ["extra key", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}\n", one), /header keys/],
    ["object dtype", npy(hdr("|O", "(1,)"), one), /object dtype \|O is not supported/],
    [
      "structured",
      npy("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }\n", one),
      /structured dtypes/,
    ],
    ["complex", npy(hdr("<c16", "(1,)"), [...one, ...one]), /unsupported dtype '<c16'/],
    ["string dtype", npy(hdr("<U3", "(1,)"), one), /unsupported dtype '<U3'/],
    ["garbage descr", npy(hdr("f8", "(1,)"), one), /unsupported dtype 'f8'/],
    ["negative shape", npy(hdr("<f8", "(-1,)"), one), /'shape' is not a tuple of non-negative integers/],
    ["shape not tuple", npy(hdr("<f8", "1"), one), /'shape' is not a tuple/],
    ["shape string", npy(hdr("<f8", "('1',)"), one), /'shape' is not a tuple/],
    ["huge shape", npy(hdr("<f8", "(99999999999999999999,)"), one), /'shape' is not a tuple/],
    ["overflowing shape", npy(hdr("<f8", "(1073741824, 1073741824, 1073741824)"), one), /too many elements/],
    ["fortran not bool", npy(hdr("<f8", "(1,)", "1"), one), /'fortran_order' is not True or False/],
    ["truncated data", npy(hdr("<f8", "(2,)"), one), /truncated data: 8 bytes but shape \(2\) of '<f8' needs 16/],
    ["trailing data", npy(hdr("<f8", "(1,)"), [...one, 0]), /1 trailing bytes after the data/],
    ["bad UTF-8 v3", npy(ok, one, 3).map((b, i) => (i === 13 ? 0xff : b)), /header is not valid UTF-8/],
  ];
  for (const [label, bytes, pattern] of cases) {
    assertInputError(() => decodeNpy(bytes, "a.npy"), pattern, label);
    assertInputError(() => decodeNpy(bytes, "a.npy"), /^corrupt npy file a\.npy: /, label);
  }
  assertInputError(() => encodeNpy(fromFloat64([1], [1], "BF16")), /BF16 has no NumPy equivalent/);
});

test("every proper prefix of a valid file is rejected with InputError", () => {
  const bytes = encodeNpy(fromFloat64([1, 2, 3, 4, 5, 6], [2, 3], "I16"));
  for (let len = 0; len < bytes.length; len++)
    assertInputError(() => decodeNpy(bytes.subarray(0, len), "p.npy"), /p\.npy/);
  decodeNpy(bytes);
});

test("arbitrary and mutated bytes only ever raise InputError (property)", () => {
  const valid = encodeNpy(fromFloat64([1, 2, 3], [3], "F32"));
  arbitraryBytesOnlyRaiseInputError(decodeNpy);
  const prefix = valid.subarray(0, 10);
  fc.assert(
    fc.property(fc.string({ maxLength: 120 }), (text) => {
      const h = new TextEncoder().encode(text);
      const bytes = new Uint8Array(10 + h.length);
      bytes.set(prefix);
      new DataView(bytes.buffer).setUint16(8, h.length, true);
      bytes.set(h, 10);
      onlyInputError(() => decodeNpy(bytes));
    }),
    { numRuns: 1000 },
  );
  mutationsOnlyRaiseInputError(valid, decodeNpy);
});

test("readNpy/writeNpy go through the file system", () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = path.join(dir, "a.npy");
    const arr: NDArray = fromFloat64([1, -1], [2], "I8");
    writeNpy(file, arr);
    assertSameArray(readNpy(file), arr);
    assertInputError(() => readNpy(dir), /npy file .* is a directory/);
  } finally {
    cleanup();
  }
});
