// Child process entry: runs one cognito-local instance (one local "region") from its own data directory, with a
// quiet logger — the default one prints a stack for every UserNotFound, which is costly under load.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const dataDir = process.env.COGNITO_LOCAL_DIR;
const configJson = process.env.COGNITO_LOCAL_CONFIG;
if (!dataDir || !configJson) {
  throw new Error('COGNITO_LOCAL_DIR and COGNITO_LOCAL_CONFIG must be set');
}

// cognito-local reads .cognito/config.json and keeps its data under .cognito/db, relative to the working directory.
mkdirSync(join(dataDir, '.cognito', 'db'), { recursive: true });
writeFileSync(join(dataDir, '.cognito', 'config.json'), configJson);
process.chdir(dataDir);

const cognitoLocalRoot = dirname(require.resolve('cognito-local/package.json'));
// pino is cognito-local's own dependency; its request logger needs a real pino instance.
const pino = require(require.resolve('pino', { paths: [cognitoLocalRoot] }));
const { createDefaultServer } = require(join(cognitoLocalRoot, 'lib', 'server'));

const logger = pino({ level: process.env.COGNITO_LOCAL_LOG_LEVEL ?? 'error' }, process.stdout);

createDefaultServer(logger)
  .then((server: { start: () => Promise<{ address: () => unknown }> }) => server.start())
  .then((server: { address: () => unknown }) => {
    process.stdout.write(`cognito-local listening on ${JSON.stringify(server.address())}\n`);
  })
  .catch((error: unknown) => {
    process.stderr.write(`cognito-local failed to start: ${String(error)}\n`);
    process.exit(1);
  });
