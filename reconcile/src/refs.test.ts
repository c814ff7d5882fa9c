// References to usernames: case-insensitive, exact in a double, round-tripping through chunks, found by RefSet.
import fc from 'fast-check';
import { decodeRefs, encodeRefs, REF_BYTES, RefSet, refOf } from './refs';

describe('references', () => {
  it('refer to a username whatever its case, and differ between usernames', () => {
    expect(refOf('Alice@Example.com')).toBe(refOf('alice@example.com'));
    expect(refOf('alice')).not.toBe(refOf('alice2'));
    expect(Number.isSafeInteger(refOf('alice'))).toBe(true);
  });

  it('round-trip through a chunk and are found again, and nothing else is (fast-check)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { maxLength: 300 }), fc.string(), (names, other) => {
        const refs = names.map(refOf);
        const bytes = encodeRefs(refs);
        expect(bytes.byteLength).toBe(refs.length * REF_BYTES);
        expect(decodeRefs(bytes)).toEqual(refs);
        const set = new RefSet(decodeRefs(bytes));
        for (const name of names) expect(set.has(refOf(name))).toBe(true);
        if (!names.some((name) => name.toLowerCase() === other.toLowerCase())) {
          expect(set.has(refOf(other))).toBe(false);
        }
      }),
    );
  });

  it('refuses a chunk that is not a whole number of references', () => {
    expect(() => decodeRefs(new Uint8Array(7))).toThrow(/multiple of 6/);
  });
});
