import { ConfigError, envReader } from './env';

describe('envReader', () => {
  it('trims values and treats blank ones as unset', () => {
    const env = envReader({ A: ' x ', B: '  ', C: '' });
    expect(env.required('A')).toBe('x');
    expect(env.optional('B')).toBeUndefined();
    expect(env.optional('C')).toBeUndefined();
    expect(() => env.required('B')).toThrow(new ConfigError('environment variable B must be set'));
  });

  it('reads positive numbers, with a default when unset, and names a bad one without echoing it', () => {
    const env = envReader({ N: '2.5', BAD: 'lots', ZERO: '0' });
    expect(env.positiveNumber('N', 1)).toBe(2.5);
    expect(env.positiveNumber('UNSET', 7)).toBe(7);
    expect(() => env.positiveNumber('BAD', 1)).toThrow(
      new ConfigError('environment variable BAD must be a positive number'),
    );
    expect(() => env.positiveNumber('ZERO', 1)).toThrow(ConfigError);
  });

  it('names every missing variable at once', () => {
    expect(() => envReader({ B: 'y' }).requireAll('A', 'B', 'C')).toThrow(
      new ConfigError('missing required environment variables: A, C'),
    );
  });
});
