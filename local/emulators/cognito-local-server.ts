// Child process entry: runs one cognito-local instance (one local "region") from its own data directory, with a
// quiet logger — the default one prints a stack for every UserNotFound, which is costly under load — a
// persistence layer whose writes do not grow with the pool (write-behind-store.ts), and Cognito's behaviour where
// cognito-local differs in ways this project depends on (cognito-local-fidelity.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type CognitoLocalServices, cognitoFidelity, type Router } from './cognito-local-fidelity';
import { mailbox } from './mailbox';
import { flushAll, WriteBehindDataStoreFactory } from './write-behind-store';

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
const fromCognitoLocal = (id: string) => require(require.resolve(id, { paths: [cognitoLocalRoot] }));
const lib = (path: string) => require(join(cognitoLocalRoot, 'lib', path));
// pino is cognito-local's own dependency; its request logger needs a real pino instance.
const pino = fromCognitoLocal('pino');
const logger = pino({ level: process.env.COGNITO_LOCAL_LOG_LEVEL ?? 'error' }, process.stdout);
const flushMs = Number(process.env.COGNITO_LOCAL_FLUSH_MS ?? '100');
/** LOCAL ONLY: where this "region" delivers email and SMS (JSON lines): the local stand-in for users' inboxes. */
const mailboxFile = process.env.COGNITO_LOCAL_MAILBOX ?? join(dataDir, 'mailbox.jsonl');

/**
 * cognito-local's createDefaultServer, composed from its own parts, with one change: user pools and app clients
 * are persisted by the write-behind store (see write-behind-store.ts) instead of a whole-file rewrite per write.
 */
const createServer = async () => {
  const AWS = fromCognitoLocal('aws-sdk');
  const StormDB = fromCognitoLocal('stormdb');
  const services = lib('services');
  const { StormDBDataStore, StormDBDataStoreFactory } = lib('services/dataStore/stormDb');
  const ctx = { logger };
  // The config is read once at start; cognito-local's own store is fine for it.
  const config = await lib('server/config').loadConfig(ctx, new StormDBDataStoreFactory('.cognito'));
  const clock = new services.DateClock();
  const dataStoreFactory = new WriteBehindDataStoreFactory(
    '.cognito/db',
    flushMs,
    StormDB,
    (db) => new StormDBDataStore(db),
  );
  const cognito = await new (lib('services/cognitoService').CognitoServiceFactoryImpl)(
    '.cognito/db',
    dataStoreFactory,
    new (lib('services/userPoolService').UserPoolServiceFactoryImpl)(clock, dataStoreFactory),
  ).create(ctx, config.UserPoolDefaults);
  const triggers = new services.TriggersService(
    clock,
    cognito,
    new services.LambdaService(config.TriggerFunctions, new AWS.Lambda(config.LambdaClient)),
    new (lib('services/crypto').CryptoService)(config.KMSConfig),
  );
  const { MessageDeliveryService } = lib('services/messageDelivery/messageDelivery');
  const all = {
    clock,
    cognito,
    config,
    messages: new services.MessagesService(triggers, new MessageDeliveryService(mailbox(mailboxFile))),
    otp: lib('services/otp').otp,
    tokenGenerator: new (lib('services/tokenGenerator').JwtTokenGenerator)(
      clock,
      triggers,
      config.TokenConfig,
    ),
    triggers,
    // Not a service of cognito-local's own: the fidelity layer checks TOTP codes as cognito-local does.
    totp: lib('services/totp'),
  };
  const router = cognitoFidelity(
    all as unknown as CognitoLocalServices,
    lib('server/Router').Router(all) as Router,
    lib('errors'),
  );
  return lib('server/server').createServer(router, logger, config.ServerConfig, all);
};

const stop = () => {
  flushAll();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

createServer()
  .then((server: { start: () => Promise<{ address: () => unknown }> }) => server.start())
  .then((server: { address: () => unknown }) => {
    process.stdout.write(`cognito-local listening on ${JSON.stringify(server.address())}\n`);
  })
  .catch((error: unknown) => {
    process.stderr.write(`cognito-local failed to start: ${String(error)}\n`);
    process.exit(1);
  });
