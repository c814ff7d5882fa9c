// AWS client settings for talking to the local emulators: one dummy key everywhere, because DynamoDB Local keeps a
// separate database per access key + region and the two "regions" must differ only by region.
import { NodeHttpHandler } from '@smithy/node-http-handler';

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export const localClientConfig = (region: string, endpoint: string) => ({
  region,
  endpoint,
  credentials: LOCAL_CREDENTIALS,
  // DynamoDB Local speaks HTTP/1.1 only.
  requestHandler: new NodeHttpHandler({ connectionTimeout: 2000, requestTimeout: 10_000 }),
  maxAttempts: 5,
});

export const requireEnv = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} must be set`);
  return value;
};
