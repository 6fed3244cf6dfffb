/**
 * CRC-32 (ISO-HDLC / zlib / ZIP: reflected polynomial 0xEDB88320). Node 20's zlib has no crc32,
 * so the ZIP codec uses this table-driven version.
 */

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/**
 * CRC-32 of `bytes` as an unsigned 32-bit number. Pass a previous result as `crc` to continue a
 * checksum across chunks.
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
