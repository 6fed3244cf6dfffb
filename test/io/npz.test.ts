import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { deflateRawSync } from "node:zlib";
import fc from "fast-check";
import { crc32 } from "../../src/io/crc32.ts";
import { fromFloat64, toFloat64, type NDArray } from "../../src/io/ndarray.ts";
import { encodeNpy } from "../../src/io/npy.ts";
import { decodeNpz, encodeNpz, readNpz, writeNpz } from "../../src/io/npz.ts";
import { extractZipEntry, readZipEntries, writeZip } from "../../src/io/zip.ts";
import {
  arbNDArray,
  assertInputError,
  assertSameArray,
  fixture,
  tempDir,
  mutationsOnlyRaiseInputError,
  arbitraryBytesOnlyRaiseInputError,
  NPY_DTYPES,
} from "./helpers.ts";

const A = fromFloat64([1, 2, 3, 4, 5, 6], [2, 3]);
const B = fromFloat64([1, 0, 1], [3], "BOOL");

/** Offset of the central directory and of the end record of an archive without a comment. */
function layout(zip: Uint8Array): { cd: number; eocd: number; view: DataView } {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const eocd = zip.length - 22;
  return { cd: view.getUint32(eocd + 16, true), eocd, view };
}

/** A copy of `zip` with `fn` applied to a DataView of it. */
function patch(zip: Uint8Array, fn: (view: DataView, l: ReturnType<typeof layout>) => void): Uint8Array {
  const copy = zip.slice();
  fn(new DataView(copy.buffer), layout(copy));
  return copy;
}

/**
 * Rewrites a one-member archive so its central directory uses the ZIP64 extra field and a ZIP64
 * end record, as large archives written by Python's zipfile do.
 */
function toZip64(zip: Uint8Array): Uint8Array {
  const { cd, eocd, view } = layout(zip);
  const nameLen = view.getUint16(cd + 28, true);
  const entry = zip.slice(cd, cd + 46 + nameLen);
  const ev = new DataView(entry.buffer);
  const [csize, usize, offset] = [ev.getUint32(20, true), ev.getUint32(24, true), ev.getUint32(42, true)];
  for (const at of [20, 24, 42]) ev.setUint32(at, 0xffffffff, true);
  ev.setUint16(30, 28, true);
  const extra = new DataView(new ArrayBuffer(28));
  extra.setUint16(0, 1, true);
  extra.setUint16(2, 24, true);
  [usize, csize, offset].forEach((v, i) => extra.setBigUint64(4 + 8 * i, BigInt(v), true));
  const cdBytes = new Uint8Array([...entry, ...new Uint8Array(extra.buffer)]);
  const rec = new DataView(new ArrayBuffer(56 + 20 + 22));
  rec.setUint32(0, 0x06064b50, true);
  rec.setBigUint64(4, 44n, true);
  rec.setBigUint64(24, 1n, true);
  rec.setBigUint64(32, 1n, true);
  rec.setBigUint64(40, BigInt(cdBytes.length), true);
  rec.setBigUint64(48, BigInt(cd), true);
  rec.setUint32(56, 0x07064b50, true);
  rec.setBigUint64(64, BigInt(cd + cdBytes.length), true);
  rec.setUint32(72, 1, true);
  rec.setUint32(76, 0x06054b50, true);
  rec.setUint16(84, 0xffff, true);
  rec.setUint16(86, 0xffff, true);
  rec.setUint32(88, 0xffffffff, true);
  rec.setUint32(92, 0xffffffff, true);
  assert.equal(eocd, cd + 46 + nameLen);
  return new Uint8Array([...zip.subarray(0, cd), ...cdBytes, ...new Uint8Array(rec.buffer)]);
}

test("round-trips named arrays, stored and deflated", () => {
  const arrays = new Map<string, NDArray>([
    ["a", A],
    ["dir/b", B],
    ["empty", fromFloat64([], [1, 0, 3], "I32")],
    ["s", fromFloat64([7], [], "F16")],
  ]);
  for (const compress of [false, true]) {
    const back = decodeNpz(encodeNpz(arrays, { compress }));
    assert.deepEqual([...back.keys()], [...arrays.keys()]);
    for (const [k, v] of arrays) assertSameArray(back.get(k)!, v, k);
  }
});

test("output is reproducible, with 1980-01-01 timestamps and correct CRCs", () => {
  const one = encodeNpz({ a: A, b: B });
  assert.deepEqual(one, encodeNpz({ a: A, b: B }));
  const { view } = layout(one);
  assert.equal(view.getUint16(10, true), 0, "DOS time");
  assert.equal(view.getUint16(12, true), 0x21, "DOS date 1980-01-01");
  assert.equal(view.getUint32(14, true), crc32(encodeNpy(A)));
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926, "CRC-32 check value");
});

test("round-trips random array sets bit-exactly (property)", () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), arbNDArray(NPY_DTYPES)), {
        selector: ([k]) => k,
        maxLength: 4,
      }),
      fc.boolean(),
      (items, compress) => {
        const back = decodeNpz(encodeNpz(new Map(items), { compress }));
        assert.equal(back.size, items.length);
        for (const [k, v] of items) assertSameArray(back.get(k)!, v, k);
      },
    ),
    { numRuns: 200 },
  );
});

test("reads archives written by numpy (committed fixtures, ZIP64 local headers)", () => {
  const plain = readNpz(fixture("savez.npz"));
  assert.deepEqual([...plain.keys()], ["x", "flags", "small"]);
  assert.deepEqual([...plain.get("x")!.data], [0, 1, 2]);
  assert.deepEqual([...plain.get("flags")!.data], [1, 0]);
  assert.equal(plain.get("small")!.dtype, "I8");
  assert.deepEqual([...plain.get("small")!.data], [-128, 127]);
  const packed = readNpz(fixture("savez_compressed.npz"));
  assert.equal(packed.get("f16")!.dtype, "F16");
  assert.deepEqual([...toFloat64(packed.get("f16")!)], [1, -2, 65504]);
});

test("reads ZIP64 central directories and end records", () => {
  for (const compress of [false, true]) {
    const zip64 = toZip64(encodeNpz({ a: A }, { compress }));
    assertSameArray(decodeNpz(zip64).get("a")!, A);
  }
});

test("rejects corrupt archives with a message naming the problem", () => {
  const good = encodeNpz({ a: A, b: B });
  const { cd } = layout(good);
  const secondCd = cd + 46 + "a.npy".length;
  const bomb = writeZip([{ name: "a.npy", data: new Uint8Array(1 << 20) }], { compress: true });
  const cases: [string, Uint8Array, RegExp][] = [
    ["empty", new Uint8Array(0), /0 bytes is too short for a ZIP archive/],
    ["not a zip", new Uint8Array(100), /end of central directory record not found/],
    [
      "bad CRC",
      patch(good, (v) => v.setUint8(200, v.getUint8(200) ^ 1)),
      /member "a\.npy" CRC-32 mismatch: stored [0-9a-f]{8}, computed/,
    ],
    [
      "truncated central directory",
      patch(good, (v, l) => v.setUint32(l.eocd + 12, 100, true)),
      /central directory entry 1 is truncated/,
    ],
    [
      "entry count lies",
      patch(good, (v, l) => {
        v.setUint16(l.eocd + 8, 3, true);
        v.setUint16(l.eocd + 10, 3, true);
      }),
      /3 entries cannot fit|entry 2 is missing/,
    ],
    [
      "cd outside file",
      patch(good, (v, l) => v.setUint32(l.eocd + 16, 0x7fffffff, true)),
      /central directory \[2147483647, .*\) runs past its end record/,
    ],
    [
      "member header outside",
      patch(good, (v) => v.setUint32(cd + 42, 0x7ffffff0, true)),
      /member "a\.npy" local header at 2147483632 is missing or outside the archive/,
    ],
    [
      "member data outside",
      patch(good, (v) => {
        v.setUint32(cd + 20, 1 << 30, true);
        v.setUint32(cd + 24, 1 << 30, true);
      }),
      /member "a\.npy" data \[\d+, \d+\) lies outside the \d+-byte archive/,
    ],
    [
      "overlapping members",
      patch(good, (v) => {
        v.setUint32(cd + 20, 300, true);
        v.setUint32(cd + 24, 300, true);
      }),
      /member "a\.npy" overlaps the next record/,
    ],
    [
      "wrong local name",
      patch(good, (v) => v.setUint32(secondCd + 42, 0, true)),
      /member "b\.npy" local header names a different file/,
    ],
    ["encrypted", patch(good, (v) => v.setUint16(cd + 8, 1, true)), /member "a\.npy" is encrypted/],
    ["method", patch(good, (v) => v.setUint16(cd + 10, 12, true)), /unsupported compression method 12/],
    ["stored sizes differ", patch(good, (v) => v.setUint32(cd + 24, 5, true)), /is stored but its sizes differ/],
    ["duplicate", patch(good, (v) => v.setUint8(secondCd + 46, "a".charCodeAt(0))), /duplicate member "a\.npy"/],
    ["multi-disk", patch(good, (v, l) => v.setUint16(l.eocd + 4, 1, true)), /multi-disk/],
    [
      "deflate bomb claiming small size",
      patch(bomb, (v, l) => v.setUint32(l.cd + 24, 100, true)),
      /inflates past its declared 100 bytes/,
    ],
    [
      "impossible ratio",
      patch(bomb, (v, l) => v.setUint32(l.cd + 24, 0xfffffff0, true)),
      /claims 4294967280 uncompressed bytes from \d+ compressed/,
    ],
    [
      "short inflate",
      patch(bomb, (v, l) => v.setUint32(l.cd + 24, (1 << 20) + 1, true)),
      /inflates to 1048576 bytes but declares 1048577/,
    ],
    [
      "bad deflate",
      patch(writeZip([{ name: "a.npy", data: new Uint8Array(10).fill(0xff) }]), (v, l) =>
        v.setUint16(l.cd + 10, 8, true),
      ),
      /member "a\.npy" cannot be inflated \(invalid block type\)/,
    ],
    [
      "zip64 locator missing",
      patch(good, (v, l) => v.setUint16(l.eocd + 10, 0xffff, true)),
      /ZIP64 end of central directory locator missing/,
    ],
  ];
  // Without the archive-wide size cap, so that each member check is reached.
  for (const [label, bytes, pattern] of cases) {
    assertInputError(() => decodeNpz(bytes, "x.npz", Infinity), pattern, label);
    assertInputError(() => decodeNpz(bytes, "x.npz", Infinity), /^corrupt zip archive x\.npz: /, label);
  }
  const notNpy = writeZip([{ name: "readme.txt", data: new Uint8Array(3) }]);
  assertInputError(
    () => decodeNpz(notNpy, "x.npz"),
    /corrupt npz file x\.npz: member "readme\.txt" is not a \.npy file/,
  );
  const badNpy = writeZip([{ name: "w.npy", data: encodeNpy(A).subarray(0, 140) }]);
  assertInputError(() => decodeNpz(badNpy, "x.npz"), /corrupt npy file x\.npz\[w\.npy\]: truncated data/);
});

test("every proper prefix of a valid archive is rejected with InputError", () => {
  for (const compress of [false, true]) {
    const bytes = encodeNpz({ a: A, b: B }, { compress });
    for (let len = 0; len < bytes.length; len++)
      assertInputError(() => decodeNpz(bytes.subarray(0, len), "p.npz"), /p\.npz/);
  }
});

test("arbitrary and mutated bytes only ever raise InputError (property)", () => {
  arbitraryBytesOnlyRaiseInputError(decodeNpz);
  for (const valid of [
    encodeNpz({ a: A, b: B }),
    encodeNpz({ a: A }, { compress: true }),
    toZip64(encodeNpz({ a: A })),
  ]) {
    mutationsOnlyRaiseInputError(valid, decodeNpz);
  }
});

test("zip reader and writer handle raw members", () => {
  const data = new TextEncoder().encode("héllo ".repeat(100));
  for (const compress of [false, true]) {
    const zip = writeZip(
      [
        { name: "ünï.txt", data },
        { name: "empty", data: new Uint8Array(0) },
      ],
      { compress },
    );
    const entries = readZipEntries(zip, "z.zip");
    assert.deepEqual(
      entries.map((e) => e.name),
      ["ünï.txt", "empty"],
    );
    assert.deepEqual(extractZipEntry(zip, entries[0], "z.zip"), data);
    assert.equal(extractZipEntry(zip, entries[1], "z.zip").length, 0);
  }
  assert.ok(deflateRawSync(data).length < data.length);
});

test("readNpz/writeNpz go through the file system", () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = path.join(dir, "a.npz");
    writeNpz(file, { a: A }, { compress: true });
    assertSameArray(readNpz(file).get("a")!, A);
    assertInputError(() => readNpz(path.join(dir, "nope.npz")), /npz file .*nope\.npz does not exist/);
    assertInputError(() => encodeNpz({ "": A }), /array name must not be empty/);
  } finally {
    cleanup();
  }
});
