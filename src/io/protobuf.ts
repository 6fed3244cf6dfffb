/**
 * A minimal protocol-buffers wire-format writer and reader: varints, fixed32/fixed64 and
 * length-delimited fields — enough for TensorBoard's Event/Summary messages without a schema
 * compiler. See https://protobuf.dev/programming-guides/encoding/.
 */
import { InputError } from "../errors.ts";

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

/** Builds one message; nested messages are built by their own writer and added with `message`. */
export class ProtoWriter {
  private buf = new Uint8Array(64);
  private view = new DataView(this.buf.buffer);
  private len = 0;

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.len + extra));
    grown.set(this.buf.subarray(0, this.len));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }

  /** Appends an unsigned varint (0 ≤ v < 2^64): 7 bits per byte, low bits first, high bit = "more". */
  private rawVarint(v: number | bigint): void {
    this.ensure(10);
    if (typeof v === "number" && v >= 0 && v <= 0x7fffffff) {
      while (v > 0x7f) {
        this.buf[this.len++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      this.buf[this.len++] = v;
      return;
    }
    let b = BigInt.asUintN(64, BigInt(v));
    while (b > 0x7fn) {
      this.buf[this.len++] = Number(b & 0x7fn) | 0x80;
      b >>= 7n;
    }
    this.buf[this.len++] = Number(b);
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  /** int64/uint64/int32/bool field; negative values use 64-bit two's complement (10 bytes), as protobuf's int64 does. */
  varint(field: number, v: number | bigint): this {
    if (typeof v === "number" && !Number.isSafeInteger(v))
      throw new RangeError(`protobuf varint field ${field}: ${v} is not an integer`);
    this.tag(field, WIRE_VARINT);
    this.rawVarint(v);
    return this;
  }

  /** double field (fixed64, little-endian IEEE 754). */
  double(field: number, v: number): this {
    this.tag(field, WIRE_FIXED64);
    this.ensure(8);
    this.view.setFloat64(this.len, v, true);
    this.len += 8;
    return this;
  }

  /** float field (fixed32, little-endian IEEE 754 single precision: the value is rounded). */
  float(field: number, v: number): this {
    this.tag(field, WIRE_FIXED32);
    this.ensure(4);
    this.view.setFloat32(this.len, v, true);
    this.len += 4;
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.rawVarint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, inner: ProtoWriter): this {
    return this.bytes(field, inner.finish());
  }

  /** The encoded bytes (a copy, so the writer may be reused). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** One decoded field: varints as bigint, everything else as its raw bytes (4 or 8 for fixed32/64). */
export interface ProtoField {
  field: number;
  wire: number;
  varint: bigint;
  bytes: Uint8Array;
}

/** Splits a message into its fields, in order. InputError on truncation or an unsupported wire type. */
export function decodeMessage(data: Uint8Array): ProtoField[] {
  const fields: ProtoField[] = [];
  let pos = 0;
  const readVarint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (pos >= data.length) throw new InputError(`protobuf: truncated varint at byte ${pos}`);
      if (shift > 63n) throw new InputError(`protobuf: varint longer than 10 bytes at byte ${pos}`);
      const b = data[pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, result);
    }
  };
  const take = (n: number): Uint8Array => {
    if (n > data.length - pos)
      throw new InputError(
        `protobuf: field runs past the end of the message (${n} bytes at byte ${pos} of ${data.length})`,
      );
    const out = data.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  while (pos < data.length) {
    const key = readVarint();
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (field === 0) throw new InputError(`protobuf: field number 0 at byte ${pos}`);
    const empty = new Uint8Array(0);
    switch (wire) {
      case WIRE_VARINT:
        fields.push({ field, wire, varint: readVarint(), bytes: empty });
        break;
      case WIRE_FIXED64:
        fields.push({ field, wire, varint: 0n, bytes: take(8) });
        break;
      case WIRE_LENGTH_DELIMITED:
        fields.push({ field, wire, varint: 0n, bytes: take(Number(readVarint())) });
        break;
      case WIRE_FIXED32:
        fields.push({ field, wire, varint: 0n, bytes: take(4) });
        break;
      default:
        throw new InputError(`protobuf: unsupported wire type ${wire} for field ${field}`);
    }
  }
  return fields;
}

function expectWire(f: ProtoField, wire: number, what: string): void {
  if (f.wire !== wire)
    throw new InputError(`protobuf: field ${f.field} has wire type ${f.wire}, expected ${wire} (${what})`);
}

export function fieldDouble(f: ProtoField): number {
  expectWire(f, WIRE_FIXED64, "double");
  return new DataView(f.bytes.buffer, f.bytes.byteOffset, 8).getFloat64(0, true);
}

export function fieldFloat(f: ProtoField): number {
  expectWire(f, WIRE_FIXED32, "float");
  return new DataView(f.bytes.buffer, f.bytes.byteOffset, 4).getFloat32(0, true);
}

/** An int64 field as a number (exact up to 2^53). */
export function fieldInt64(f: ProtoField): number {
  expectWire(f, WIRE_VARINT, "int64");
  return Number(BigInt.asIntN(64, f.varint));
}

export function fieldString(f: ProtoField): string {
  expectWire(f, WIRE_LENGTH_DELIMITED, "string");
  return new TextDecoder("utf-8", { fatal: false }).decode(f.bytes);
}

export function fieldMessage(f: ProtoField): ProtoField[] {
  expectWire(f, WIRE_LENGTH_DELIMITED, "message");
  return decodeMessage(f.bytes);
}
