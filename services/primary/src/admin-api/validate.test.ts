// Table-driven checks of every input rule: what is accepted, and the field and rule named when it is refused.
import { ValidationError } from './errors';
import {
  parseCreateUser,
  parseGroupName,
  parseNoBody,
  parseUpdateUser,
  parseUsername,
  shown,
} from './validate';

function refusal(run: () => unknown): { field: string; message: string; statusCode: number } | 'accepted' {
  try {
    run();
    return 'accepted';
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { field: error.field, message: error.message, statusCode: error.statusCode };
  }
}

describe('parseUsername', () => {
  it.each([
    ['plain', 'alice'],
    ['an e-mail address', 'alice@example.com'],
    ['punctuation and symbols', "o'brien+test_1-2.x@ex#$%"],
    ['non-Latin letters', 'ユーザー'],
    ['combining marks', 'e\u0301lodie'],
    ['emoji (a symbol)', 'bob😀'],
    ['SQL-looking text', "'OR'1'='1'--"],
    ['128 characters', 'a'.repeat(128)],
    ['128 astral characters (counted as characters, not UTF-16 units)', '😀'.repeat(128)],
    ['a single dot inside', 'a.b'],
  ])('accepts %s', (_, value) => {
    expect(parseUsername(value)).toBe(value);
  });

  it.each([
    ['missing', undefined, 'required'],
    ['empty', '', 'required'],
    ['not a string', 42, 'required'],
    ['129 characters', 'a'.repeat(129), 'must be 1 to 128 characters'],
    ['a space', 'ali ce', 'whitespace'],
    ['a no-break space', 'ali\u00a0ce', 'whitespace'],
    ['an ideographic space', 'ali\u3000ce', 'whitespace'],
    ['a tab', 'ali\tce', 'control'],
    ['a newline (log forging)', 'alice\nlevel=admin', 'control'],
    ['a NUL', 'alice\u0000', 'control'],
    ['a zero-width space', 'ali\u200bce', 'invisible'],
    ['a zero-width joiner', 'ali\u200dce', 'invisible'],
    ['a right-to-left override', 'alice\u202egnp.exe', 'invisible'],
    ['a byte-order mark', '\ufeffalice', 'invisible'],
    ['a soft hyphen', 'ali\u00adce', 'invisible'],
    ['a Hangul filler (a letter that renders as nothing)', 'alice\u3164', 'invisible'],
    ['a variation selector', 'alice\ufe0f', 'invisible'],
    ['a lone surrogate', 'alice\ud800', 'invisible'],
    ['a private-use character', 'alice\ue000', 'invisible'],
    ['a slash', 'a/b', "'/'"],
    ['a backslash', 'a\\b', "'/'"],
    ['dot-dot', '..', "'..'"],
    ['a traversal', '../../etc/passwd', "'/'"],
    ['dot-dot inside', 'a..b', "'..'"],
    ['a single dot', '.', "'.'"],
  ])('refuses %s', (_, value, rule) => {
    const result = refusal(() => parseUsername(value));
    expect(result).toMatchObject({ field: 'username', statusCode: 400 });
    expect(result !== 'accepted' && result.message).toContain(rule);
  });

  it('accepts a name that is not NFC (an existing user must stay reachable), refuses it for a new user', () => {
    const decomposed = 'e\u0301lodie';
    expect(parseUsername(decomposed)).toBe(decomposed);
    expect(refusal(() => parseCreateUser({ username: decomposed, attributes: {} }))).toMatchObject({
      field: 'username',
      message: expect.stringContaining('normalization form C'),
    });
  });
});

describe('parseGroupName', () => {
  it('uses the username rules, naming the group field', () => {
    expect(parseGroupName('dr-admins')).toBe('dr-admins');
    expect(refusal(() => parseGroupName('../admins'))).toMatchObject({ field: 'group' });
    expect(refusal(() => parseGroupName('ad\u200bmins'))).toMatchObject({ field: 'group' });
  });
});

describe('parseNoBody', () => {
  it('accepts no body and refuses any body', () => {
    expect(refusal(() => parseNoBody(undefined))).toBe('accepted');
    expect(refusal(() => parseNoBody({}))).toMatchObject({
      field: 'body',
      message: 'body: this route takes no body',
    });
  });
});

describe('parseUpdateUser: attribute values', () => {
  const accept = (attributes: Record<string, unknown>) => parseUpdateUser({ attributes });

  it.each<[string, string, string]>([
    ['email', 'email', 'alice@example.com'],
    ['email with plus and apostrophe', 'email', "o'brien+dr@mail.example.co.uk"],
    ['internationalised email', 'email', 'ユーザー@例え.jp'],
    ['email_verified', 'email_verified', 'false'],
    ['phone_number', 'phone_number', '+14155550100'],
    ['phone_number_verified', 'phone_number_verified', 'true'],
    ['birthdate', 'birthdate', '1990-02-28'],
    ['birthdate on a leap day', 'birthdate', '2000-02-29'],
    ['birthdate without the year', 'birthdate', '0000-02-29'],
    ['updated_at', 'updated_at', '1700000000'],
    ['website', 'website', 'https://example.com/~alice'],
    ['picture over http', 'picture', 'http://example.com/a.png'],
    ['address with line breaks', 'address', '1 Main St\nSpringfield\r\nUSA'],
    ['name with a zero-width joiner (emoji sequence)', 'name', 'Ann 👩\u200d💻'],
    ['name of 2048 characters', 'name', 'n'.repeat(2048)],
    ['SQL in a free-text attribute (it is only text)', 'nickname', "Robert'); DROP TABLE users;--"],
    ['script in a free-text attribute (it is only text)', 'name', '<script>alert(1)</script>'],
    ['custom string at its max length', 'custom:tier', 't'.repeat(64)],
    ['custom string with SQL', 'custom:tenant_id', "1' OR '1'='1"],
    ['custom number', 'custom:plan_seats', '250'],
    ['custom number at its bounds', 'custom:plan_seats', '100000'],
    ['custom number zero', 'custom:plan_seats', '0'],
  ])('accepts %s', (_, name, value) => {
    expect(accept({ [name]: value })).toContainEqual({ Name: name, Value: value });
  });

  it.each<[string, string, unknown, string]>([
    ['email without @', 'email', 'alice.example.com', 'not a valid address'],
    ['email without domain dot', 'email', 'alice@localhost', 'not a valid address'],
    ['email with a space', 'email', 'alice @example.com', 'not a valid address'],
    ['email with a script', 'email', '<script>@example.com', 'not a valid address'],
    ['email with SQL', 'email', "' OR 1=1 --@example.com", 'not a valid address'],
    ['email with two @', 'email', 'a@b@example.com', 'not a valid address'],
    ['email with a newline', 'email', 'alice@example.com\nBcc: x@y.z', 'not a valid address'],
    ['email with a numeric top-level domain', 'email', 'alice@10.0.0.1', 'not a valid address'],
    ['email too long', 'email', `${'a'.repeat(64)}@${'b'.repeat(190)}.com`, 'not a valid address'],
    ['empty email', 'email', '', 'not a valid address'],
    ['empty name', 'name', '', 'must not be empty'],
    ['email as a number', 'email', 42, 'must be a string'],
    ['email as null', 'email', null, 'must be a string'],
    ['boolean as JSON true', 'email_verified', true, 'must be a string'],
    ['boolean spelled otherwise', 'email_verified', 'yes', '"true" or "false"'],
    ['boolean in capitals', 'phone_number_verified', 'TRUE', '"true" or "false"'],
    ['phone without +', 'phone_number', '14155550100', 'E.164'],
    ['phone with spaces', 'phone_number', '+1 415 555 0100', 'E.164'],
    ['phone too long', 'phone_number', '+1234567890123456', 'E.164'],
    ['birthdate in another format', 'birthdate', '28/02/1990', 'YYYY-MM-DD'],
    ['birthdate that does not exist', 'birthdate', '1990-02-30', 'not a real calendar date'],
    ['updated_at not numeric', 'updated_at', 'yesterday', 'seconds since'],
    ['website with javascript:', 'website', 'javascript:alert(1)', 'http or https URL'],
    ['picture as a data URL', 'picture', 'data:text/html,<script>alert(1)</script>', 'http or https URL'],
    ['profile not a URL', 'profile', 'my profile', 'http or https URL'],
    ['name over 2048 characters', 'name', 'n'.repeat(2049), 'at most 2048'],
    ['address over 2048 characters', 'address', 'a'.repeat(2049), 'at most 2048'],
    ['name with a newline', 'name', 'Ann\nadmin=true', 'control characters'],
    ['name with NUL', 'name', 'Ann\u0000', 'control characters'],
    ['name with a lone surrogate', 'name', 'Ann\udc00', 'not valid Unicode'],
    ['address with a NUL', 'address', '1 Main St\u0000', 'control characters'],
    ['custom string over its max length', 'custom:tier', 't'.repeat(65), 'at most 64'],
    ['custom number not numeric', 'custom:plan_seats', 'many', 'whole number'],
    ['custom number with a fraction', 'custom:plan_seats', '1.5', 'whole number'],
    ['custom number in exponent form', 'custom:plan_seats', '1e3', 'whole number'],
    ['custom number with leading zero', 'custom:plan_seats', '007', 'whole number'],
    ['custom number over its maximum', 'custom:plan_seats', '100001', 'between 0 and 100000'],
    ['custom number under its minimum', 'custom:plan_seats', '-1', 'between 0 and 100000'],
    ['custom number with SQL', 'custom:plan_seats', '1; DROP TABLE users', 'whole number'],
  ])('refuses %s', (_, name, value, rule) => {
    const result = refusal(() => accept({ [name]: value }));
    expect(result).toMatchObject({ field: name, statusCode: 400 });
    expect(result !== 'accepted' && result.message).toContain(rule);
  });

  it.each([
    ['sub', 'cannot be changed'],
    ['identities', 'cannot be changed'],
    ['cognito:user_status', 'cannot be changed'],
    ['cognito:mfa_enabled', 'cannot be changed'],
    ['custom:source_sub', 'cannot be changed'],
    ['custom:undeclared', 'not an attribute of this user pool'],
    ['dev:custom:tier', 'not an attribute of this user pool'],
    ['Email', 'not an attribute of this user pool'],
    ['__proto__', 'not an attribute of this user pool'],
    ['constructor', 'not an attribute of this user pool'],
    ['', 'not an attribute of this user pool'],
  ])('refuses writing %j: %s', (name, rule) => {
    // JSON.parse makes __proto__ an own key, as a hostile body would.
    const body = JSON.parse(`{"attributes": {${JSON.stringify(name)}: "x"}}`);
    expect(refusal(() => parseUpdateUser(body))).toMatchObject({ field: name, message: `${name}: ${rule}` });
  });

  it('names a hostile attribute name without echoing invisible characters or all of it', () => {
    const result = refusal(() => accept({ [`x\u202e${'y'.repeat(100)}`]: 'v' }));
    expect(result !== 'accepted' && result.field).toBe(`x?${'y'.repeat(62)}…`);
  });
});

describe('parseUpdateUser: body shape', () => {
  it('takes the earlier sample body {"email"} and marks the address verified', () => {
    expect(parseUpdateUser({ email: 'new@example.com' })).toEqual([
      { Name: 'email', Value: 'new@example.com' },
      { Name: 'email_verified', Value: 'true' },
    ]);
  });

  it('takes email and attributes together', () => {
    expect(
      parseUpdateUser({ email: 'new@example.com', attributes: { name: 'Ann', 'custom:tier': 'gold' } }),
    ).toEqual([
      { Name: 'name', Value: 'Ann' },
      { Name: 'custom:tier', Value: 'gold' },
      { Name: 'email', Value: 'new@example.com' },
      { Name: 'email_verified', Value: 'true' },
    ]);
  });

  it('keeps an explicit email_verified', () => {
    expect(parseUpdateUser({ attributes: { email: 'new@example.com', email_verified: 'false' } })).toEqual([
      { Name: 'email', Value: 'new@example.com' },
      { Name: 'email_verified', Value: 'false' },
    ]);
  });

  it('does not touch email_verified when the address does not change', () => {
    expect(parseUpdateUser({ attributes: { name: 'Ann' } })).toEqual([{ Name: 'name', Value: 'Ann' }]);
  });

  it.each<[string, unknown, string, string]>([
    ['no body', undefined, 'body', 'required'],
    ['a JSON array', [], 'body', 'must be a JSON object'],
    ['a JSON string', 'alice@example.com', 'body', 'must be a JSON object'],
    ['null', null, 'body', 'must be a JSON object'],
    ['an empty object', {}, 'body', 'nothing to change'],
    ['empty attributes', { attributes: {} }, 'body', 'nothing to change'],
    ['an unknown field', { email: 'a@example.com', admin: true }, 'admin', 'unknown field'],
    ['a misspelt field', { emial: 'a@example.com' }, 'emial', 'unknown field'],
    ['a username in the body', { username: 'bob', email: 'a@example.com' }, 'username', 'unknown field'],
    ['attributes as a list', { attributes: [{ Name: 'name', Value: 'x' }] }, 'attributes', 'JSON object'],
    ['an invalid top-level email', { email: 'nope' }, 'email', 'not a valid address'],
    ['email twice', { email: 'a@example.com', attributes: { email: 'b@example.com' } }, 'email', 'both'],
    ['sub in attributes', { attributes: { sub: 'x' } }, 'sub', 'cannot be changed'],
  ])('refuses %s', (_, body, field, rule) => {
    const result = refusal(() => parseUpdateUser(body));
    expect(result).toMatchObject({ field, statusCode: 400 });
    expect(result !== 'accepted' && result.message).toContain(rule);
  });
});

describe('parseCreateUser', () => {
  it('reads a full body, sorting and de-duplicating groups and marking the email verified', () => {
    expect(
      parseCreateUser({
        username: 'alice',
        attributes: { email: 'alice@example.com', 'custom:tier': 'gold' },
        groups: ['staff', 'readers', 'staff'],
        temporaryPassword: 'Tmp-Passw0rd!',
        sendInvitation: true,
      }),
    ).toEqual({
      username: 'alice',
      attributes: [
        { Name: 'email', Value: 'alice@example.com' },
        { Name: 'custom:tier', Value: 'gold' },
        { Name: 'email_verified', Value: 'true' },
      ],
      groups: ['readers', 'staff'],
      temporaryPassword: 'Tmp-Passw0rd!',
      sendInvitation: true,
    });
  });

  it('defaults to no groups, no password and no invitation', () => {
    expect(parseCreateUser({ username: 'bob', attributes: { name: 'Bob' } })).toEqual({
      username: 'bob',
      attributes: [{ Name: 'name', Value: 'Bob' }],
      groups: [],
      sendInvitation: false,
    });
  });

  it.each<[string, unknown, string, string]>([
    ['no username', { attributes: {} }, 'username', 'required'],
    ['a traversal username', { username: '../x', attributes: {} }, 'username', "'/'"],
    ['no attributes', { username: 'bob' }, 'attributes', 'required'],
    [
      'a forbidden attribute',
      { username: 'bob', attributes: { 'custom:source_sub': 'x' } },
      'custom:source_sub',
      '',
    ],
    ['groups not a list', { username: 'bob', attributes: {}, groups: 'staff' }, 'groups', 'list'],
    ['a group that is not a string', { username: 'bob', attributes: {}, groups: [1] }, 'groups', 'required'],
    ['a hostile group name', { username: 'bob', attributes: {}, groups: ['a/../b'] }, 'groups', "'/'"],
    [
      'too many groups',
      { username: 'bob', attributes: {}, groups: Array.from({ length: 26 }, (_, i) => `g${i}`) },
      'groups',
      'at most 25',
    ],
    [
      'a password with spaces',
      { username: 'bob', attributes: {}, temporaryPassword: 'a b' },
      'temporaryPassword',
      '',
    ],
    [
      'an empty password',
      { username: 'bob', attributes: {}, temporaryPassword: '' },
      'temporaryPassword',
      '',
    ],
    [
      'a password too long',
      { username: 'b', attributes: {}, temporaryPassword: 'p'.repeat(257) },
      'temporaryPassword',
      '',
    ],
    [
      'sendInvitation as a string',
      { username: 'bob', attributes: {}, sendInvitation: 'yes' },
      'sendInvitation',
      '',
    ],
    [
      'an invitation without email',
      { username: 'bob', attributes: {}, sendInvitation: true },
      'sendInvitation',
      'email',
    ],
    [
      'an unknown field',
      { username: 'bob', attributes: {}, MessageAction: 'RESEND' },
      'MessageAction',
      'unknown',
    ],
  ])('refuses %s', (_, body, field, rule) => {
    const result = refusal(() => parseCreateUser(body));
    expect(result).toMatchObject({ field, statusCode: 400 });
    expect(result !== 'accepted' && result.message).toContain(rule);
  });

  it('never puts the password into an error message', () => {
    const result = refusal(() =>
      parseCreateUser({ username: 'b', attributes: {}, temporaryPassword: 'sec ret' }),
    );
    expect(JSON.stringify(result)).not.toContain('sec ret');
  });
});

describe('shown', () => {
  it('keeps short visible names as they are', () => {
    expect(shown('custom:tier')).toBe('custom:tier');
  });
});
