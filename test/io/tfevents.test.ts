import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { InputError } from "../../src/errors.ts";
import { crc32c, maskCrc, maskedCrc32c } from "../../src/io/crc32c.ts";
import { decodeMessage, fieldDouble, fieldFloat, fieldInt64, fieldString, ProtoWriter } from "../../src/io/protobuf.ts";
import { decodeRecords, encodeRecord, readTfEvents, writeTfEvents, type TfScalar } from "../../src/io/tfevents.ts";

const dir = mkdtempSync(join(tmpdir(), "shocklens-tfevents-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("CRC-32C test vectors (RFC 3720 B.4 and the check value)", () => {
  const enc = new TextEncoder();
  assert.equal(crc32c(enc.encode("123456789")), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c);
  assert.equal(crc32c(new Uint8Array(0)), 0);
  // Incremental use gives the same result as one pass.
  const data = enc.encode("shock waves in SGD");
  assert.equal(crc32c(data.subarray(7), crc32c(data.subarray(0, 7))), crc32c(data));
});

test("masked CRC: rotate right 15, add 0xa282ead8 mod 2^32", () => {
  assert.equal(maskCrc(0), 0xa282ead8);
  assert.equal(maskCrc(0xe3069283), ((((0xe3069283 >>> 15) | (0xe3069283 << 17)) >>> 0) + 0xa282ead8) % 2 ** 32);
  assert.equal(maskedCrc32c(new TextEncoder().encode("123456789")), maskCrc(0xe3069283));
});

test("protobuf: varint, int64 (negative), double, float, string round-trip", () => {
  fc.assert(
    fc.property(fc.maxSafeInteger(), fc.double(), fc.string(), (n, d, s) => {
      const bytes = new ProtoWriter().varint(2, n).double(1, d).string(3, s).float(4, d).finish();
      const f = decodeMessage(bytes);
      return (
        fieldInt64(f[0]) === n &&
        Object.is(fieldDouble(f[1]), d) &&
        fieldString(f[2]) === s &&
        Object.is(fieldFloat(f[3]), Math.fround(d))
      );
    }),
  );
  // 300 = 0b1_0010_1100 → ac 02 (the protobuf docs' example); field 1 varint key = 0x08.
  assert.deepEqual([...new ProtoWriter().varint(1, 300).finish()], [0x08, 0xac, 0x02]);
  assert.equal(new ProtoWriter().varint(1, -1).finish().length, 11);
  assert.throws(() => decodeMessage(Uint8Array.of(0x08, 0xac)), InputError);
  assert.throws(() => decodeMessage(Uint8Array.of(0x1a, 0x05, 0x61)), /past the end/);
});

const sample: TfScalar[] = [
  { wallTime: 1_700_000_000.25, step: 0, tag: "loss", value: 2.5 },
  { wallTime: 1_700_000_001.5, step: 1, tag: "loss", value: NaN },
  { wallTime: 1_700_000_001.5, step: 1, tag: "grad/norm", value: Infinity },
  { wallTime: 1_700_000_002, step: 2 ** 40, tag: "λ", value: -Infinity },
  { wallTime: 1_700_000_003, step: 3, tag: "loss", value: 0.1 },
];

function writeSample(sub: string): string {
  return writeTfEvents(join(dir, sub), sample, { wallTime: 1_700_000_000.9, hostname: "host" }).path;
}

test("tfevents: file name, framing, first record is file_version, scalars round-trip", () => {
  const path = writeSample("rt");
  assert.ok(path.endsWith("/events.out.tfevents.1700000000.host"));
  const records = decodeRecords(readFileSync(path));
  assert.equal(records.length, 1 + sample.length);
  const first = decodeMessage(records[0]);
  assert.deepEqual(
    first.map((f) => f.field),
    [1, 2, 3],
  );
  assert.equal(fieldDouble(first[0]), 1_700_000_000.9);
  assert.equal(fieldString(first[2]), "brain.Event:2");
  const back = readTfEvents(path);
  assert.deepEqual(
    back,
    sample.map((p) => ({ ...p, value: Math.fround(p.value) })),
  );
  // Framing: u64 length, masked CRC of those 8 bytes, data, masked CRC of the data.
  const bytes = readFileSync(path);
  const len = Number(bytes.readBigUInt64LE(0));
  assert.equal(len, records[0].length);
  assert.equal(bytes.readUInt32LE(8), maskedCrc32c(bytes.subarray(0, 8)));
  assert.equal(bytes.readUInt32LE(12 + len), maskedCrc32c(bytes.subarray(12, 12 + len)));
  assert.deepEqual(encodeRecord(records[0]), new Uint8Array(bytes.subarray(0, 16 + len)));
});

test("tfevents reader: CRC corruption and truncation are InputErrors", () => {
  const good = readFileSync(writeSample("bad"));
  const firstLen = 16 + Number(good.readBigUInt64LE(0));
  const cases: [string, Buffer, RegExp][] = [
    ["flipped data byte", flip(good, firstLen + 14), /data CRC mismatch/],
    ["flipped length byte", flip(good, firstLen), /length CRC mismatch/],
    ["flipped data CRC", flip(good, firstLen - 1), /data CRC mismatch/],
    ["truncated record", good.subarray(0, good.length - 3), /truncated record/],
    ["truncated header", good.subarray(0, firstLen + 5), /truncated record header/],
  ];
  for (const [name, bytes, pattern] of cases) {
    const path = join(dir, `${name.replace(/ /g, "-")}.tfevents`);
    writeFileSync(path, bytes);
    assert.throws(
      () => readTfEvents(path),
      (e: unknown) => e instanceof InputError && pattern.test(e.message) && e.message.startsWith(path),
      name,
    );
  }
});

function flip(buf: Buffer, at: number): Buffer {
  const out = Buffer.from(buf);
  out[at] ^= 0x10;
  return out;
}

test("TensorBoard itself reads the exported file", (t) => {
  const probe = spawnSync("python3", ["-c", "import tensorboard"], { encoding: "utf8" });
  if (probe.status !== 0) {
    t.skip("python3 cannot import tensorboard (not installed); the byte-level checks above stand in for it");
    return;
  }
  const sub = join(dir, "tb");
  writeTfEvents(
    sub,
    sample.filter((p) => p.tag === "loss"),
    { hostname: "host" },
  );
  const script = `
import sys
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
acc = EventAccumulator(sys.argv[1]); acc.Reload()
print(",".join(f"{e.step}:{e.value}" for e in acc.Scalars("loss")))`;
  const r = spawnSync("python3", ["-c", script, sub], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), `0:2.5,1:nan,3:${Math.fround(0.1)}`);
});
