// Compact references to usernames: what a run remembers about the users it listed (which it saw, who is in which
// group), small enough to keep a million of them in memory and in a few state-table items.
import { createHash } from 'node:crypto';

/** Bytes per reference: 48 bits, so a reference is an exact JavaScript number. */
export const REF_BYTES = 6;

/**
 * Pools are case-insensitive (CaseSensitive: false): a username is referred to by its lower-case form, so a record
 * and a listed user that differ only in case are the same user. Collisions: with a million users listed, a given
 * departed user is mistaken for a listed one with probability 1e6 / 2^48 ≈ 4e-9 (it is then found next pass).
 */
export function refOf(username: string): number {
  const digest = createHash('sha256').update(username.toLowerCase(), 'utf8').digest();
  return digest.readUIntBE(0, REF_BYTES);
}

/** References as bytes, big-endian, REF_BYTES each. */
export function encodeRefs(refs: ArrayLike<number>): Uint8Array {
  const bytes = Buffer.alloc(refs.length * REF_BYTES);
  for (let index = 0; index < refs.length; index++) {
    bytes.writeUIntBE(refs[index] as number, index * REF_BYTES, REF_BYTES);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function decodeRefs(bytes: Uint8Array): number[] {
  if (bytes.byteLength % REF_BYTES !== 0) {
    throw new RangeError(`a reference chunk holds a multiple of ${REF_BYTES} bytes, got ${bytes.byteLength}`);
  }
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const refs: number[] = new Array(bytes.byteLength / REF_BYTES);
  for (let index = 0; index < refs.length; index++)
    refs[index] = buffer.readUIntBE(index * REF_BYTES, REF_BYTES);
  return refs;
}

/** A set of references built once, then only asked: sorted doubles and a binary search, 8 bytes per user. */
export class RefSet {
  private readonly sorted: Float64Array;

  constructor(refs: Iterable<number>) {
    this.sorted = Float64Array.from(refs).sort();
  }

  get size(): number {
    return this.sorted.length;
  }

  has(ref: number): boolean {
    let low = 0;
    let high = this.sorted.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = this.sorted[middle] as number;
      if (value === ref) return true;
      if (value < ref) low = middle + 1;
      else high = middle - 1;
    }
    return false;
  }
}
