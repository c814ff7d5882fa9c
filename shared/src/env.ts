// The one way every function and tool reads its settings from the environment: once, at start, failing with the
// variable's name and the rule it broke (never its value, which may be an id or a secret).

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

export interface EnvReader {
  /** A non-blank value (trimmed); throws ConfigError naming the variable when unset or blank. */
  required(name: string): string;
  /** The trimmed value, or undefined when unset or blank (serverless.yml leaves unused settings empty). */
  optional(name: string): string | undefined;
  /** A positive finite number, or `fallback` when unset or blank. */
  positiveNumber(name: string, fallback: number): number;
  /** Throws one ConfigError naming every variable of `names` that is unset or blank. */
  requireAll(...names: string[]): void;
}

export function envReader(env: Env = process.env): EnvReader {
  const optional = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  return {
    optional,
    required(name) {
      const value = optional(name);
      if (value === undefined) throw new ConfigError(`environment variable ${name} must be set`);
      return value;
    },
    positiveNumber(name, fallback) {
      const raw = optional(name);
      if (raw === undefined) return fallback;
      const value = Number(raw);
      if (!Number.isFinite(value) || value <= 0) {
        throw new ConfigError(`environment variable ${name} must be a positive number`);
      }
      return value;
    },
    requireAll(...names) {
      const missing = names.filter((name) => optional(name) === undefined);
      if (missing.length > 0) {
        throw new ConfigError(`missing required environment variables: ${missing.join(', ')}`);
      }
    },
  };
}
