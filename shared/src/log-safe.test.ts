import { createHmac } from 'node:crypto';
import { userRef, useUserRefKey } from './log-safe';

describe('userRef', () => {
  it('is a stable 12-character hex reference that does not contain the username', () => {
    const ref = userRef('ada@example.com');
    expect(ref).toMatch(/^[0-9a-f]{12}$/);
    expect(userRef('ada@example.com')).toBe(ref);
    expect(userRef('bob@example.com')).not.toBe(ref);
    expect(ref).not.toContain('ada');
  });

  it("is keyed with the deployment's key, so the same user has the same reference in every process", () => {
    const key = 'k'.repeat(64);
    useUserRefKey(key);
    // printf %s ada@example.com | openssl dgst -sha256 -hmac kkkk...(64): other tools holding the key agree.
    expect(userRef('ada@example.com')).toBe(
      createHmac('sha256', key).update('ada@example.com').digest('hex').slice(0, 12),
    );
    const withFirstKey = userRef('ada@example.com');
    useUserRefKey('j'.repeat(64));
    expect(userRef('ada@example.com')).not.toBe(withFirstKey);
  });

  it('is never the plain hash a dictionary of e-mail addresses would reverse', () => {
    useUserRefKey('k'.repeat(64));
    // printf %s ada@example.com | sha256sum
    expect(userRef('ada@example.com')).not.toBe('b5fc85e55755');
  });

  it('refuses a key short enough to guess', () => {
    expect(() => useUserRefKey('short')).toThrow(/at least 32 characters/);
  });
});
