/**
 * CRC-32C (Castagnoli; reflected polynomial 0x82F63B78), the checksum of TFRecord files, and
 * TFRecord's "masked" form of it. Table-driven, one byte per step: fast enough for event files.
 */
import { crcWithPolynomial } from "./crc32.ts";

/** CRC-32C of `data`; pass a previous result as `crc` to continue over more bytes. */
export const crc32c = crcWithPolynomial(0x82f63b78);

/**
 * TFRecord's masked CRC: rotate right by 15 bits and add a constant, mod 2^32. (Masking keeps a
 * CRC computed over data that itself contains CRCs from being trivially predictable.)
 */
export function maskCrc(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** The masked CRC-32C of `data`, as stored in TFRecord framing. */
export function maskedCrc32c(data: Uint8Array): number {
  return maskCrc(crc32c(data));
}
