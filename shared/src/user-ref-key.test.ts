import { createHmac } from 'node:crypto';
import { userRef } from './log-safe';
import { userRefKeyLoader } from './user-ref-key';

const KEY = 'a'.repeat(40);
const refWith = (key: string, username: string) =>
  createHmac('sha256', key).update(username).digest('hex').slice(0, 12);

describe('userRefKeyLoader', () => {
  it('reads the secret named by USER_REF_KEY_SECRET_ARN once, and keys userRef with it', async () => {
    const asked: unknown[] = [];
    const load = userRefKeyLoader(
      { USER_REF_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:k-AbCdEf' },
      {
        secrets: () =>
          ({
            send: async (command: { input: unknown }) => {
              asked.push(command.input);
              return { SecretString: KEY };
            },
          }) as never,
      },
    );
    expect(await load()).toEqual({ loaded: true, source: 'secret' });
    await load();
    expect(asked).toEqual([{ SecretId: 'arn:aws:secretsmanager:eu-west-1:1:secret:k-AbCdEf' }]);
    expect(userRef('ada')).toBe(refWith(KEY, 'ada'));
  });

  it('reads the local stack key from USER_REF_KEY_FILE', async () => {
    const other = 'b'.repeat(40);
    const load = userRefKeyLoader(
      { USER_REF_KEY_FILE: '/data/user-ref-key' },
      { readText: async (path) => (path === '/data/user-ref-key' ? `${other}\n` : '') },
    );
    expect(await load()).toEqual({ loaded: true, source: 'file' });
    expect(userRef('ada')).toBe(refWith(other, 'ada'));
  });

  it('never throws: a failed read leaves references random, says why, and is tried again', async () => {
    let attempts = 0;
    const load = userRefKeyLoader(
      { USER_REF_KEY_SECRET_ARN: 'arn' },
      {
        secrets: () =>
          ({
            send: async () => {
              attempts += 1;
              if (attempts === 1) throw Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
              return { SecretString: KEY };
            },
          }) as never,
      },
    );
    expect(await load()).toEqual({ loaded: false, source: 'secret', errorName: 'AccessDeniedException' });
    expect(await load()).toEqual({ loaded: true, source: 'secret' });
  });

  it('refuses a key too short to be secret', async () => {
    const load = userRefKeyLoader({ USER_REF_KEY_FILE: 'k' }, { readText: async () => 'short' });
    expect(await load()).toEqual({ loaded: false, source: 'file', errorName: 'RangeError' });
  });

  it('has nothing to do without a key configured', async () => {
    expect(await userRefKeyLoader({})()).toEqual({ loaded: false, source: 'none' });
  });
});
