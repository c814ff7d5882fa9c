// Reads the primary service's configuration from the environment once, at cold start, failing fast and naming
// the variable that is missing.
export class MissingConfigError extends Error {
  override name = 'MissingConfigError';
}

export const requireEnv = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new MissingConfigError(`environment variable ${name} is not set (serverless.yml wires it)`);
  }
  return value;
};
