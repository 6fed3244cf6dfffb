/**
 * Fresh zeroed Float64Arrays for op outputs. V8 allocates a typed array of more than 64 bytes
 * off-heap (calloc plus external-memory accounting): about 0.5 µs for 32 doubles, which made
 * allocation the largest cost of a gradient of a small network. Small arrays are therefore carved
 * as views out of 128 KiB slabs (bump allocation, never reused: a fresh slab is zero-filled, so
 * every view starts zeroed, ~40 ns); large ones are allocated directly. A slab stays alive while
 * any view into it does, so at most one slab per long-lived small tensor is retained.
 *
 * Views carry their byteOffset; every consumer in shocklens (I/O codecs, the WebAssembly and
 * BLAS backends) addresses data through (buffer, byteOffset, length), as for `unravel` views.
 */
const SLAB_BYTES = 131072;
/** Arrays of at most this many doubles come from a slab. */
const SLAB_MAX = 2048;
/** Arrays of at most this many doubles are on-heap in V8 anyway (64 bytes). */
const ON_HEAP = 8;

let slab = new ArrayBuffer(SLAB_BYTES);
let top = 0;

export function allocF64(n: number): Float64Array {
  if (n > SLAB_MAX) {
    const r = fromPool(n);
    if (r !== null) return r.fill(0);
    return track(new Float64Array(n));
  }
  if (n <= ON_HEAP) return new Float64Array(n);
  const bytes = n * 8;
  if (top + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    top = 0;
  }
  const out = new Float64Array(slab, top, n);
  // Keep views 16-byte aligned (the WebAssembly kernels load two doubles at a time).
  top += (bytes + 15) & ~15;
  return out;
}

/**
 * An array for an output that the caller overwrites completely (GEMM results, element-wise
 * results, permutations). Large ones skip the zero-fill (Node's uninitialised allocation: for a
 * megabyte-sized gradient the memset costs as much as computing it); small ones come from a slab
 * as in `allocF64` (already zero, and cheaper than any allocation call).
 */
export function allocF64Uninit(n: number): Float64Array {
  if (n <= SLAB_MAX) return allocF64(n);
  const r = fromPool(n);
  if (r !== null) return r;
  const b = Buffer.allocUnsafeSlow(n * 8);
  return track(new Float64Array(b.buffer, b.byteOffset, n));
}

// ---- recycling of large arrays ----------------------------------------------------------------
//
// A reverse pass that is not itself recorded knows when an intermediate cotangent is dead (no
// cotangent slot holds its array any more). If that array was allocated during the pass, nothing
// outside the pass can refer to it, so the pass hands it back here and the next allocation of the
// same length reuses it — memory that is still in cache, instead of fresh memory that costs a
// cache miss per line on first write (about 1 ns per element on this VM). Only large arrays (more
// than SLAB_MAX doubles) are recycled; small ones come from slabs.

const pool = new Map<number, Float64Array[]>();
let pooledBytes = 0;
const POOL_MAX_BYTES = 256 << 20;
const POOL_MAX_PER_LENGTH = 16;
/** Whether a pass collects ownership, and the arrays allocated meanwhile (one set, emptied when the pass ends). */
let collecting = false;
const owned = new Set<Float64Array>();

function fromPool(n: number): Float64Array | null {
  const list = pool.get(n);
  if (list === undefined || list.length === 0) return null;
  const a = list.pop() as Float64Array;
  pooledBytes -= n * 8;
  return track(a);
}

function track(a: Float64Array): Float64Array {
  if (collecting) owned.add(a);
  return a;
}

/** Starts recording which large arrays are allocated (by a reverse pass); returns false if already recording. */
export function beginOwnership(): boolean {
  if (collecting) return false;
  collecting = true;
  return true;
}

export function endOwnership(): void {
  collecting = false;
  // A set that was never filled is left as it is (clearing allocates a fresh table).
  if (owned.size !== 0) owned.clear();
}

/** Whether `a` is a recyclable array allocated since beginOwnership(). */
export function isOwned(a: Float64Array): boolean {
  return collecting && a.length > SLAB_MAX && owned.has(a);
}

/** Hands a dead array allocated during the current pass back for reuse. */
export function recycle(a: Float64Array): void {
  if (!collecting || !owned.delete(a)) return;
  const n = a.length;
  if (pooledBytes + n * 8 > POOL_MAX_BYTES) return;
  let list = pool.get(n);
  if (list === undefined) pool.set(n, (list = []));
  if (list.length >= POOL_MAX_PER_LENGTH) return;
  list.push(a);
  pooledBytes += n * 8;
}

/** Whether arrays of this length are ever recycled (small ones never are). */
export function recyclable(n: number): boolean {
  return n > SLAB_MAX;
}
