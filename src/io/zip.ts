/**
 * Minimal ZIP archive reader and writer for .npz files: stored (method 0) and deflate (method 8)
 * members, ZIP64 sizes/offsets as written by Python's zipfile, no encryption, no multi-disk.
 * The reader bounds-checks every field against the archive and refuses anything that could make
 * it allocate more than the archive can honestly expand to.
 */
import { constants as bufferConstants } from "node:buffer";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { InputError } from "../errors.ts";
import { crc32 } from "./crc32.ts";

/** One member as described by the central directory. */
export interface ZipEntry {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  /** Offset of the member's (compressed) data, after its local header. */
  dataOffset: number;
}

/** A member to write. */
export interface ZipInput {
  name: string;
  data: Uint8Array;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const U32_MAX = 0xffffffff;
// Deflate cannot expand input by more than about 1032:1, so a larger claim is a lie (or a bomb).
const MAX_DEFLATE_RATIO = 1032;
const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;

type Fail = (msg: string) => never;

function u64(view: DataView, off: number, what: string, fail: Fail): number {
  const v = view.getBigUint64(off, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(`${what} ${v} is out of range`);
  return Number(v);
}

function decodeName(raw: Uint8Array, utf8: boolean, fail: Fail): string {
  try {
    // Without the UTF-8 flag names are CP437; ASCII, all that numpy writes, reads the same either way.
    return new TextDecoder(utf8 ? "utf-8" : "latin1", { fatal: true }).decode(raw);
  } catch {
    return fail("member name is not valid UTF-8");
  }
}

interface Eocd {
  count: number;
  cdOffset: number;
  cdSize: number;
  /** Where the central directory must end (start of the end records). */
  cdLimit: number;
}

function findEocd(bytes: Uint8Array, view: DataView, fail: Fail): Eocd {
  if (bytes.length < EOCD_SIZE) fail(`${bytes.length} bytes is too short for a ZIP archive`);
  let pos = -1;
  const lowest = Math.max(0, bytes.length - EOCD_SIZE - 0xffff);
  for (let p = bytes.length - EOCD_SIZE; p >= lowest; p--) {
    if (view.getUint32(p, true) === SIG_EOCD && p + EOCD_SIZE + view.getUint16(p + 20, true) === bytes.length) {
      pos = p;
      break;
    }
  }
  if (pos < 0) fail("end of central directory record not found (not a ZIP archive, or truncated)");
  if (view.getUint16(pos + 4, true) !== 0 || view.getUint16(pos + 6, true) !== 0)
    fail("multi-disk archives are not supported");
  let count = view.getUint16(pos + 10, true);
  let cdSize = view.getUint32(pos + 12, true);
  let cdOffset = view.getUint32(pos + 16, true);
  let cdLimit = pos;
  if (count === 0xffff || cdSize === U32_MAX || cdOffset === U32_MAX) {
    const loc = pos - 20;
    if (loc < 0 || view.getUint32(loc, true) !== SIG_ZIP64_LOCATOR)
      fail("ZIP64 end of central directory locator missing");
    const rec = u64(view, loc + 8, "ZIP64 end record offset", fail);
    if (rec + 56 > loc || view.getUint32(rec, true) !== SIG_ZIP64_EOCD)
      fail("ZIP64 end of central directory record missing");
    count = u64(view, rec + 32, "ZIP64 entry count", fail);
    cdSize = u64(view, rec + 40, "ZIP64 central directory size", fail);
    cdOffset = u64(view, rec + 48, "ZIP64 central directory offset", fail);
    cdLimit = rec;
  }
  if (cdOffset + cdSize > cdLimit)
    fail(`central directory [${cdOffset}, ${cdOffset + cdSize}) runs past its end record at ${cdLimit}`);
  if (count * CENTRAL_SIZE > cdSize) fail(`${count} entries cannot fit in a ${cdSize}-byte central directory`);
  return { count, cdOffset, cdSize, cdLimit };
}

/** Applies the ZIP64 extended-information extra field (id 1) to the fields saturated at 0xffffffff. */
function applyZip64(view: DataView, start: number, end: number, e: ZipEntry, fail: Fail): void {
  for (let p = start; p + 4 <= end;) {
    const id = view.getUint16(p, true);
    const size = view.getUint16(p + 2, true);
    if (p + 4 + size > end) fail(`member "${e.name}" has a malformed extra field`);
    if (id === 1) {
      let q = p + 4;
      const take = (what: string): number => {
        if (q + 8 > p + 4 + size) fail(`member "${e.name}" ZIP64 extra field lacks the ${what}`);
        const v = u64(view, q, `member "${e.name}" ${what}`, fail);
        q += 8;
        return v;
      };
      if (e.uncompressedSize === U32_MAX) e.uncompressedSize = take("uncompressed size");
      if (e.compressedSize === U32_MAX) e.compressedSize = take("compressed size");
      if (e.localHeaderOffset === U32_MAX) e.localHeaderOffset = take("local header offset");
      return;
    }
    p += 4 + size;
  }
}

/** Locates a member's data after its local header and checks the header agrees with the directory. */
function locateData(bytes: Uint8Array, view: DataView, e: ZipEntry, rawName: Uint8Array, fail: Fail): void {
  const at = e.localHeaderOffset;
  if (at + LOCAL_SIZE > bytes.length || view.getUint32(at, true) !== SIG_LOCAL) {
    fail(`member "${e.name}" local header at ${at} is missing or outside the archive`);
  }
  const nameLen = view.getUint16(at + 26, true);
  const extraLen = view.getUint16(at + 28, true);
  const nameStart = at + LOCAL_SIZE;
  const local = bytes.subarray(nameStart, nameStart + nameLen);
  if (local.length !== rawName.length || !local.every((b, i) => b === rawName[i])) {
    fail(`member "${e.name}" local header names a different file`);
  }
  e.dataOffset = nameStart + nameLen + extraLen;
  if (e.dataOffset + e.compressedSize > bytes.length) {
    fail(
      `member "${e.name}" data [${e.dataOffset}, ${e.dataOffset + e.compressedSize}) lies outside the ${bytes.length}-byte archive`,
    );
  }
}

/**
 * Lists the members of a ZIP archive from its central directory, validating every record, the
 * local headers, and that member data ranges neither overlap nor reach into the directory.
 */
export function readZipEntries(bytes: Uint8Array, fileName: string): ZipEntry[] {
  const fail: Fail = (msg) => {
    throw new InputError(`corrupt zip archive ${fileName}: ${msg}`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { count, cdOffset, cdSize } = findEocd(bytes, view, fail);
  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  const cdEnd = cdOffset + cdSize;
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + CENTRAL_SIZE > cdEnd || view.getUint32(p, true) !== SIG_CENTRAL)
      fail(`central directory entry ${i} is missing or truncated`);
    const flags = view.getUint16(p + 8, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const next = p + CENTRAL_SIZE + nameLen + extraLen + commentLen;
    if (next > cdEnd) fail(`central directory entry ${i} is truncated`);
    const rawName = bytes.subarray(p + CENTRAL_SIZE, p + CENTRAL_SIZE + nameLen);
    const e: ZipEntry = {
      name: decodeName(rawName, (flags & 0x800) !== 0, fail),
      method: view.getUint16(p + 10, true),
      crc32: view.getUint32(p + 16, true),
      compressedSize: view.getUint32(p + 20, true),
      uncompressedSize: view.getUint32(p + 24, true),
      localHeaderOffset: view.getUint32(p + 42, true),
      dataOffset: 0,
    };
    if (flags & 0x1) fail(`member "${e.name}" is encrypted`);
    if (e.method !== 0 && e.method !== 8) fail(`member "${e.name}" uses unsupported compression method ${e.method}`);
    if (names.has(e.name)) fail(`duplicate member "${e.name}"`);
    names.add(e.name);
    applyZip64(view, p + CENTRAL_SIZE + nameLen, p + CENTRAL_SIZE + nameLen + extraLen, e, fail);
    locateData(bytes, view, e, rawName, fail);
    entries.push(e);
    p = next;
  }
  // Members sharing compressed bytes are the classic way to multiply a small archive's output.
  const sorted = [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  for (let i = 0; i < sorted.length; i++) {
    const limit = i + 1 < sorted.length ? sorted[i + 1].localHeaderOffset : cdOffset;
    if (sorted[i].dataOffset + sorted[i].compressedSize > limit)
      fail(`member "${sorted[i].name}" overlaps the next record`);
  }
  return entries;
}

/**
 * Decompresses one member listed by {@link readZipEntries} and verifies its size and CRC-32.
 * Stored members come back as a view into `bytes`.
 */
export function extractZipEntry(bytes: Uint8Array, entry: ZipEntry, fileName: string): Uint8Array {
  const fail: Fail = (msg) => {
    throw new InputError(`corrupt zip archive ${fileName}: member "${entry.name}" ${msg}`);
  };
  const { compressedSize: csize, uncompressedSize: usize } = entry;
  const src = bytes.subarray(entry.dataOffset, entry.dataOffset + csize);
  let out: Uint8Array;
  if (entry.method === 0) {
    if (csize !== usize) fail(`is stored but its sizes differ (${csize} vs ${usize})`);
    out = src;
  } else {
    if (usize > csize * MAX_DEFLATE_RATIO + 1024 || usize > bufferConstants.MAX_LENGTH) {
      fail(`claims ${usize} uncompressed bytes from ${csize} compressed, more than deflate can produce`);
    }
    try {
      // The cap makes zlib stop (and throw) as soon as output passes the declared size; it must be >= 1.
      out = inflateRawSync(src, { maxOutputLength: Math.max(usize, 1) });
    } catch (err) {
      return fail(
        `cannot be inflated (${(err as Error).message.split("\n")[0]}), or inflates past its declared ${usize} bytes`,
      );
    }
    if (out.length !== usize) fail(`inflates to ${out.length} bytes but declares ${usize}`);
  }
  const actual = crc32(out);
  if (actual !== entry.crc32) {
    fail(
      `CRC-32 mismatch: stored ${entry.crc32.toString(16).padStart(8, "0")}, computed ${actual.toString(16).padStart(8, "0")}`,
    );
  }
  // A plain Uint8Array view, not the Buffer subclass zlib or fs hand out.
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * Writes a ZIP archive, stored by default or deflated with `compress`. Timestamps are fixed to
 * 1980-01-01 00:00 so identical inputs give identical bytes. The writer emits classic ZIP only
 * (.npz files of tensors this library handles are far below its limits): archives of 4 GiB or
 * more, or with 65535+ members, throw InputError rather than being written wrongly.
 */
export function writeZip(entries: ZipInput[], options: { compress?: boolean } = {}): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const tooBig = (): never => {
    throw new InputError(
      "zip archive would need ZIP64 (4 GiB or more, or 65535+ members), which is not supported for writing",
    );
  };
  if (entries.length >= 0xffff) tooBig();
  for (const { name, data } of entries) {
    const rawName = enc.encode(name);
    if (rawName.length > 0xffff) throw new InputError(`zip member name is too long (${rawName.length} bytes)`);
    const body = options.compress ? deflateRawSync(data) : data;
    const crc = crc32(data);
    const flags = /^[\x20-\x7e]*$/.test(name) ? 0 : 0x800;
    const method = options.compress ? 8 : 0;
    if (data.length >= U32_MAX || body.length >= U32_MAX || offset >= U32_MAX) tooBig();

    const local = new Uint8Array(LOCAL_SIZE + rawName.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, SIG_LOCAL, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(6, flags, true);
    lv.setUint16(8, method, true);
    lv.setUint16(10, 0, true);
    lv.setUint16(12, DOS_DATE_1980_01_01, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, body.length, true);
    lv.setUint32(22, data.length, true);
    lv.setUint16(26, rawName.length, true);
    local.set(rawName, LOCAL_SIZE);

    const cd = new Uint8Array(CENTRAL_SIZE + rawName.length);
    const cv = new DataView(cd.buffer);
    cv.setUint32(0, SIG_CENTRAL, true);
    cv.setUint16(4, 0x0314, true); // made by: Unix, spec 2.0, so the mode below is honoured
    cd.set(local.subarray(4, 30), 6); // version needed .. extra length mirror the local header
    cv.setUint32(38, (0o100644 << 16) >>> 0, true);
    cv.setUint32(42, offset, true);
    cd.set(rawName, CENTRAL_SIZE);

    parts.push(local, body);
    central.push(cd);
    offset += local.length + body.length;
  }
  const cdSize = central.reduce((s, c) => s + c.length, 0);
  if (offset + cdSize >= U32_MAX) tooBig();
  const eocd = new Uint8Array(EOCD_SIZE);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, SIG_EOCD, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + cdSize + EOCD_SIZE);
  let pos = 0;
  for (const chunk of [...parts, ...central, eocd]) {
    out.set(chunk, pos);
    pos += chunk.length;
  }
  return out;
}
