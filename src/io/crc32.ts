/**
 * Reflected, table-driven CRC-32 family. Node 20's zlib has no crc32, so the codecs use these:
 * CRC-32 (ISO-HDLC / zlib / ZIP, polynomial 0xEDB88320) and, via `crcWithPolynomial`, others such
 * as CRC-32C (see crc32c.ts).
 */

/** A CRC function for a reflected 32-bit polynomial; pass a previous result to continue. */
export function crcWithPolynomial(poly: number): (bytes: Uint8Array, crc?: number) => number {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (poly ^ (c >>> 1)) >>> 0 : c >>> 1;
    table[n] = c >>> 0;
  }
  return (bytes: Uint8Array, crc = 0): number => {
    let c = ~crc >>> 0;
    for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
    return ~c >>> 0;
  };
}

/** CRC-32 of `bytes` as an unsigned 32-bit number (continue across chunks by passing `crc`). */
export const crc32 = crcWithPolynomial(0xedb88320);
