// Test data, described as what the test is given.
import { randomBytes } from 'node:crypto';

export interface TestUser {
  username: string;
  password: string;
  attributes: Record<string, string>;
}

export const given = {
  aRandomUser: (attributes: Record<string, string> = {}): TestUser => {
    const id = randomBytes(6).toString('hex');
    return {
      username: `e2e-${id}`,
      password: `Pw-${randomBytes(9).toString('base64url')}-7x`,
      attributes: { email: `e2e-${id}@example.com`, ...attributes },
    };
  },
};
