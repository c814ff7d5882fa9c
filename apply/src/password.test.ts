import { PASSWORD_LENGTH, randomPassword } from './password';

describe('randomPassword', () => {
  it('is 40 characters with upper, lower, digit and symbol every time', () => {
    for (let i = 0; i < 500; i++) {
      const password = randomPassword();
      expect(password).toHaveLength(PASSWORD_LENGTH);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[0-9]/);
      expect(password).toMatch(/[^A-Za-z0-9]/);
      expect(password).not.toMatch(/[\s'"\\]/);
    }
  });

  it('does not repeat', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => randomPassword()));
    expect(seen.size).toBe(1000);
  });
});
