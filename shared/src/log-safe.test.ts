import { userRef } from './log-safe';

describe('userRef', () => {
  it('is a stable 12-character hex reference that does not contain the username', () => {
    const ref = userRef('ada@example.com');
    expect(ref).toMatch(/^[0-9a-f]{12}$/);
    expect(userRef('ada@example.com')).toBe(ref);
    expect(userRef('bob@example.com')).not.toBe(ref);
    // printf %s ada@example.com | sha256sum: other tools can compute the same reference.
    expect(ref).toBe('b5fc85e55755');
  });
});
