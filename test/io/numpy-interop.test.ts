/**
 * Interoperability with real NumPy: numpy writes and we read, we write and numpy reads (np.load,
 * allow_pickle=False), compared bit-exactly. Skipped when no python with numpy is installed.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test, type TestContext } from "node:test";
import fc from "fast-check";
import { DTYPES, numberToF16, type NDArray } from "../../src/io/ndarray.ts";
import { readNpy, writeNpy } from "../../src/io/npy.ts";
import { readNpz, writeNpz } from "../../src/io/npz.ts";
import { arbNDArray, findNumpyPython, rawBytes, runPython, tempDir } from "./helpers.ts";

const numpy = findNumpyPython();

function needNumpy(t: TestContext): string | undefined {
  if (!numpy.python) t.skip(`numpy not available: ${numpy.why}`);
  return numpy.python;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

// Writes arrays with numpy and a manifest of the expected C-order little-endian bytes.
const WRITE_SCRIPT = String.raw`
import json, sys, numpy as np, numpy.lib.format as fmt
out = sys.argv[1]
rng = np.random.default_rng(1234)
special = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1e-310, 1.5, -2.25])
cases = {
  'f8': special.copy(),
  'f4': special.astype('<f4'),
  'f2': special.astype('<f2'),
  'be_f8': special.astype('>f8'),
  'be_f4': rng.standard_normal((3, 4)).astype('>f4'),
  'be_i8': np.array([-2**63, 2**63 - 1, -1], dtype='>i8'),
  'be_i4': np.array([[-5, 6], [7, -8]], dtype='>i4'),
  'be_i2': np.array([-32768, 32767], dtype='>i2'),
  'i8': np.array([-2**63, 2**63 - 1, 0], dtype='<i8'),
  'i4': rng.integers(-2**31, 2**31, (2, 5), dtype='<i4'),
  'i2': rng.integers(-2**15, 2**15, (7,), dtype='<i2'),
  'i1': np.array([-128, 127, 0, -1], dtype='i1'),
  'u1': np.array([[0, 255], [7, 128]], dtype='u1'),
  'b1': np.array([[True, False, True]]),
  'scalar': np.array(3.25),
  'scalar_i1': np.array(-7, dtype='i1'),
  'empty': np.zeros((0,)),
  'empty3': np.zeros((1, 0, 3), dtype='<i2'),
  'fortran2': np.asfortranarray(rng.standard_normal((3, 5))),
  'fortran3': np.asfortranarray(np.arange(24, dtype='>i4').reshape(2, 3, 4)),
  'fortran_be_f2': np.asfortranarray(rng.standard_normal((4, 3)).astype('>f2')),
  'large': rng.standard_normal((300, 257)),
}
manifest = {}
for name, a in cases.items():
  np.save(f'{out}/{name}.npy', a)
  le = np.ascontiguousarray(a).astype(a.dtype.newbyteorder('<'))
  manifest[name] = {'descr': le.dtype.str, 'shape': list(a.shape), 'hex': le.tobytes().hex()}
with open(f'{out}/v2.npy', 'wb') as f: fmt.write_array(f, cases['be_f4'], version=(2, 0))
with open(f'{out}/v3.npy', 'wb') as f: fmt.write_array(f, cases['fortran3'], version=(3, 0))
manifest['v2'] = manifest['be_f4']; manifest['v3'] = manifest['fortran3']
np.savez(f'{out}/plain.npz', **{k: cases[k] for k in ['f8', 'b1', 'scalar', 'fortran2', 'be_i8']})
np.savez_compressed(f'{out}/packed.npz', **{k: cases[k] for k in ['f2', 'i1', 'empty3', 'fortran3', 'large']})
np.savez(f'{out}/positional.npz', cases['u1'], cases['i2'])
np.save(f'{out}/u2.npy', np.array([0, 65535], dtype='>u2'))
np.save(f'{out}/u4.npy', np.array([0, 2**32 - 1], dtype='<u4'))
np.save(f'{out}/u8.npy', np.array([2**63 - 1], dtype='<u8'))
print(json.dumps(manifest))
`;

/** numpy's descr of a dtype: byte order ("|" for one byte, else "<"), kind letter and item size. */
function descrOf(dtype: string): string {
  if (dtype === "BOOL") return "|b1";
  const bytes = Number(dtype.slice(1)) / 8;
  return `${bytes === 1 ? "|" : "<"}${dtype[0].toLowerCase()}${bytes}`;
}

function checkAgainst(arr: NDArray, expected: { descr: string; shape: number[]; hex: string }, label: string): void {
  assert.equal(descrOf(arr.dtype), expected.descr, `${label} dtype`);
  assert.deepEqual(arr.shape, expected.shape, `${label} shape`);
  assert.equal(hex(rawBytes(arr)), expected.hex, `${label} data`);
}

test("reads .npy and .npz files written by numpy with exact values", (t) => {
  const python = needNumpy(t);
  if (!python) return;
  const { dir, cleanup } = tempDir();
  try {
    const manifest = JSON.parse(runPython(python, WRITE_SCRIPT, [dir])) as Record<
      string,
      { descr: string; shape: number[]; hex: string }
    >;
    for (const [name, expected] of Object.entries(manifest))
      checkAgainst(readNpy(path.join(dir, `${name}.npy`)), expected, name);
    for (const [file, keys] of [
      ["plain", ["f8", "b1", "scalar", "fortran2", "be_i8"]],
      ["packed", ["f2", "i1", "empty3", "fortran3", "large"]],
    ] as const) {
      const arrays = readNpz(path.join(dir, `${file}.npz`));
      assert.deepEqual([...arrays.keys()], keys);
      for (const k of keys) checkAgainst(arrays.get(k)!, manifest[k], `${file}.npz:${k}`);
    }
    const positional = readNpz(path.join(dir, "positional.npz"));
    assert.deepEqual([...positional.keys()], ["arr_0", "arr_1"]);
    checkAgainst(positional.get("arr_0")!, manifest.u1, "arr_0");
    assert.deepEqual([...readNpy(path.join(dir, "u2.npy")).data], [0, 65535]);
    assert.deepEqual([...readNpy(path.join(dir, "u4.npy")).data], [0n, 2n ** 32n - 1n]);
    assert.deepEqual([...readNpy(path.join(dir, "u8.npy")).data], [2n ** 63n - 1n]);
  } finally {
    cleanup();
  }
});

// Loads every file with np.load(allow_pickle=False) and reports dtype, shape and bytes.
const READ_SCRIPT = String.raw`
import json, sys, os, numpy as np
out = {}
for name in sorted(os.listdir(sys.argv[1])):
  p = os.path.join(sys.argv[1], name)
  if name.endswith('.npy'):
    loaded = {'': np.load(p, allow_pickle=False)}
  else:
    with np.load(p, allow_pickle=False) as z: loaded = {k: z[k] for k in z.files}
  for k, a in loaded.items():
    out[name + ':' + k] = {'descr': a.dtype.str, 'shape': list(a.shape), 'hex': a.tobytes().hex(), 'c': bool(a.flags.c_contiguous)}
print(json.dumps(out))
`;

test("numpy loads our .npy and .npz files with exact values", (t) => {
  const python = needNumpy(t);
  if (!python) return;
  const { dir, cleanup } = tempDir();
  try {
    const arrays = fc.sample(arbNDArray(DTYPES.filter((d) => d !== "BF16")), { seed: 42, numRuns: 80 });
    const named = new Map(arrays.map((a, i) => [`a${i}`, a]));
    named.forEach((a, k) => writeNpy(path.join(dir, `${k}.npy`), a));
    writeNpz(path.join(dir, "stored.npz"), named);
    writeNpz(path.join(dir, "deflated.npz"), named, { compress: true });
    const loaded = JSON.parse(runPython(python, READ_SCRIPT, [dir])) as Record<
      string,
      { descr: string; shape: number[]; hex: string }
    >;
    assert.equal(Object.keys(loaded).length, 3 * named.size);
    for (const [k, a] of named) {
      for (const key of [`${k}.npy:`, `stored.npz:${k}`, `deflated.npz:${k}`]) checkAgainst(a, loaded[key], key);
    }
  } finally {
    cleanup();
  }
});

test("float64 to F16 rounding matches numpy", (t) => {
  const python = needNumpy(t);
  if (!python) return;
  const xs = [
    ...fc.sample(fc.double({ noNaN: true }), { seed: 7, numRuns: 500 }),
    ...fc.sample(fc.double({ min: -70000, max: 70000, noNaN: true }), { seed: 8, numRuns: 1500 }),
    ...fc.sample(fc.double({ min: -1e-4, max: 1e-4, noNaN: true }), { seed: 9, numRuns: 1000 }),
    // Exact ties between neighbouring halves, normal and subnormal, plus the overflow boundary.
    ...Array.from({ length: 200 }, (_, i) => (1 + (2 * i + 1) * 2 ** -11) * 2 ** ((i % 20) - 10)),
    ...Array.from({ length: 50 }, (_, i) => (2 * i + 1) * 2 ** -25),
    65504,
    65519,
    65520,
    -65520,
    2 ** -24,
    2 ** -25,
    -0,
    Infinity,
    -Infinity,
  ];
  const { dir, cleanup } = tempDir();
  try {
    const file = path.join(dir, "x.bin");
    fs.writeFileSync(file, new Uint8Array(Float64Array.from(xs).buffer));
    const script =
      "import sys, numpy as np; print(np.fromfile(sys.argv[1], '<f8').astype(np.float16).view('<u2').tolist())";
    const theirs = JSON.parse(runPython(python, script, [file])) as number[];
    const mismatches = xs.map((x, i) => [x, numberToF16(x), theirs[i]]).filter(([, a, b]) => a !== b);
    assert.deepEqual(mismatches, []);
  } finally {
    cleanup();
  }
});
