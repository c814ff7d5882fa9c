// The local stack keeps what would be secrets in AWS (the admin's password, app client secrets, the user-reference
// key, users' attributes) in files only their owner can read.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stack } from '../support/stack';

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe('the local stack', () => {
  it("writes stack.json, the user-reference key and the emulators' pool files for their owner only", () => {
    const dataDir = dirname(stack.logs);
    const files = [join(dataDir, 'stack.json'), join(dataDir, 'user-ref-key')];
    for (const emulator of ['cognito-primary', 'cognito-backup']) {
      const db = join(dataDir, emulator, '.cognito', 'db');
      files.push(...readdirSync(db).map((name) => join(db, name)));
    }
    expect(files.length).toBeGreaterThan(4);
    for (const file of files) expect({ file, mode: modeOf(file).toString(8) }).toEqual({ file, mode: '600' });
  });
});
