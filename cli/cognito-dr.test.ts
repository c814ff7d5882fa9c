// The CLI against fake pools and tables: parsing, targets, checkpoint files, and output that never shows a value.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResourceNotFoundException } from '@aws-sdk/client-cognito-identity-provider';
import {
  type Clock,
  ClockSkewError,
  ForeignTableError,
  recordFromCognitoUser,
  recordToItem,
  ServerTime,
} from '@cognito-dr/shared';
import { FakeClock } from '@cognito-dr/shared/src/testing/fake-clock';
import { PagingUserPool } from '@cognito-dr/shared/src/testing/paging-user-pool';
import { ScannableTable } from '@cognito-dr/shared/src/testing/scannable-table';
import { type CliOptions, parseCliArgs, UsageError } from './args';
import { main } from './cognito-dr';
import { type CommandContext, EXIT, runEngineCommand, runStatus, runVerify } from './commands';
import { progressLine } from './progress';
import { runRedrive } from './redrive';
import {
  closeTarget,
  type PoolTarget,
  regionOfPoolId,
  resolveTarget,
  type Target,
  TargetError,
} from './targets';

const options = (argv: string[]): CliOptions => {
  const parsed = parseCliArgs(argv);
  if (parsed.help) throw new Error('unexpected help');
  return parsed;
};

describe('parseCliArgs', () => {
  it('reads a command, its target and its options', () => {
    expect(
      options(['backfill', '--stack', 's.json', '--rate', '20', '--dry-run', '--checkpoint', 'c.json']),
    ).toMatchObject({
      command: 'backfill',
      target: { stack: 's.json' },
      rate: 20,
      dryRun: true,
      checkpoint: 'c.json',
    });
    expect(parseCliArgs(['--help'])).toEqual({ help: true, command: undefined });
  });

  it('reads what restore and deletes act on', () => {
    expect(options(['restore', '--stack', 's', '--user', 'a', '--user', 'b', '--dry-run'])).toMatchObject({
      command: 'restore',
      users: ['a', 'b'],
      dryRun: true,
    });
    expect(options(['restore', '--stack', 's', '--deleted-since', '2026-03-01T09:30:00Z'])).toMatchObject({
      deletedSince: Date.UTC(2026, 2, 1, 9, 30),
    });
    expect(options(['restore', '--stack', 's', '--as-of', '2026-03-01T09:30:00Z', '--all'])).toMatchObject({
      asOf: Date.UTC(2026, 2, 1, 9, 30),
    });
    expect(
      options(['restore', '--stack', 's', '--as-of', '2026-03-01T09:30:00Z', '--user', 'a']),
    ).toMatchObject({ asOf: Date.UTC(2026, 2, 1, 9, 30), users: ['a'] });
    expect(
      options(['deletes', '--stack', 's', '--release', '--user', 'a', '--quota-share', '1']),
    ).toMatchObject({
      command: 'deletes',
      holds: 'release',
      users: ['a'],
      quotaShare: 1,
    });
    expect(options(['deletes', '--stack', 's', '--list'])).toMatchObject({ holds: 'list', users: undefined });
  });

  it.each([
    [[], /command is required/],
    [['explode', '--stack', 'x'], /unknown command/],
    [['status'], /target is required/],
    [['status', '--stack', 'x', '--stage', 'prod'], /choose one target/],
    [['status', '--stack', 'x', '--primary-region', 'eu-west-1'], /--stack sets the regions/],
    [['status', '--stack', 'x', '--dry-run'], /--dry-run only applies/],
    [['verify', '--stack', 'x', '--rate', '5'], /--rate only applies/],
    [['backfill', '--stack', 'x', '--rate', '0'], /--rate: must be a positive number/],
    [['backfill', '--stack', 'x', '--concurrency', '2.5'], /whole number/],
    [['backfill', '--stack', 'x', '--colour'], /colour/],
    [['repair', '--stack', 'x', '--rate', '5'], /--rate only applies to backfill and reconcile/],
    [['repair', '--stack', 'x', '--rps', 'UserLists=5'], /--rps: "UserLists": not a quota category/],
    [['repair', '--stack', 'x', '--rps', 'UserList=-1'], /--rps: UserList: must be a positive number/],
    [['repair', '--stack', 'x', '--quota-share', '1.5'], /--quota-share: must be at most 1/],
    [['verify', '--stack', 'x', '--rps', 'UserList=5'], /--rps only applies/],
    [['repair', '--stack', 'x', '--state-table', 's'], /--state-table goes with explicit ids/],
    [['restore', '--stack', 'x'], /either --user <name> \(repeatable\) or --deleted-since/],
    [['restore', '--stack', 'x', '--user', 'a', '--deleted-since', '2026-01-01'], /either --user/],
    [
      ['restore', '--stack', 'x', '--deleted-since', 'yesterday'],
      /--deleted-since: must be an ISO 8601 time/,
    ],
    [['restore', '--stack', 'x', '--user', ''], /--user: must name a user/],
    [
      ['restore', '--stack', 'x', '--as-of', '2026-01-01'],
      /--as-of needs either --user <name> \(repeatable\) or --all/,
    ],
    [['restore', '--stack', 'x', '--as-of', '2026-01-01', '--all', '--user', 'a'], /--as-of needs either/],
    [['restore', '--stack', 'x', '--as-of', 'last tuesday', '--all'], /--as-of: must be an ISO 8601 time/],
    [['restore', '--stack', 'x', '--as-of', '2026-01-01', '--deleted-since', '2026-01-01'], /choose one/],
    [['restore', '--stack', 'x', '--all'], /--all goes with --as-of/],
    [['status', '--stack', 'x', '--as-of', '2026-01-01'], /--as-of only applies to restore/],
    [['restore', '--stack', 'x', '--user', 'a', '--checkpoint', 'c'], /--checkpoint only applies/],
    [['status', '--stack', 'x', '--user', 'a'], /--user only applies to restore and deletes/],
    [['deletes', '--stack', 'x'], /exactly one of --list, --release, --discard/],
    [['deletes', '--stack', 'x', '--release', '--discard'], /exactly one of/],
    [['deletes', '--stack', 'x', '--list', '--user', 'a'], /--user only applies to --release and --discard/],
    [['deletes', '--stack', 'x', '--list', '--dry-run'], /--dry-run only applies/],
    [['verify', '--stack', 'x', '--list'], /--list only applies to deletes/],
    [['verify', '--stack', 'x', '--deleted-since', '2026-01-01'], /--deleted-since only applies to restore/],
    [['redrive', '--table', 't', '--backup-pool-id', 'b'], /redrive needs --stack or --stage/],
    [['redrive', '--stack', 'x', '--rate', '3'], /--rate only applies/],
  ])('refuses %j, saying why', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(UsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});

describe('targets', () => {
  it('takes the region from a pool id', () => {
    expect(regionOfPoolId('eu-central-1_AbC123')).toBe('eu-central-1');
    expect(regionOfPoolId('local_3axh4lP3')).toBeUndefined();
  });

  it('reads a stage from the outputs of its two CloudFormation stacks', async () => {
    const asked: string[] = [];
    const target = await resolveTarget(
      { stage: 'prod', primaryRegion: 'eu-west-1', backupRegion: 'eu-central-1' },
      { primary: true, backup: true, primaryTable: true, backupTable: true },
      async (region, stack): Promise<Record<string, string>> => {
        asked.push(`${region} ${stack}`);
        return stack.includes('primary')
          ? { UserPoolId: 'eu-west-1_P', ReplicationTableName: 'cognito-dr-users-prod' }
          : { BackupUserPoolId: 'eu-central-1_B' };
      },
    );
    expect(asked).toEqual(['eu-west-1 cognito-dr-primary-prod', 'eu-central-1 cognito-dr-replica-prod']);
    expect(target.primary).toMatchObject({ region: 'eu-west-1', userPoolId: 'eu-west-1_P' });
    expect(target.backup).toMatchObject({ region: 'eu-central-1', userPoolId: 'eu-central-1_B' });
    expect(target.backupTable).toMatchObject({ region: 'eu-central-1', tableName: 'cognito-dr-users-prod' });
  });

  it('resolves the backup side from the replica stack alone when its region is given: the primary may be down', async () => {
    const asked: string[] = [];
    const target = await resolveTarget(
      { stage: 'prod', backupRegion: 'eu-central-1' },
      { backup: true, backupTable: true },
      async (region, stack): Promise<Record<string, string>> => {
        asked.push(`${region} ${stack}`);
        if (stack.includes('primary')) throw new Error('the primary region does not answer');
        return { BackupUserPoolId: 'eu-central-1_B', ReplicationTableName: 'cognito-dr-users-prod' };
      },
    );
    expect(asked).toEqual(['eu-central-1 cognito-dr-replica-prod']);
    expect(target.backup).toMatchObject({ region: 'eu-central-1', userPoolId: 'eu-central-1_B' });
    expect(target.backupTable).toMatchObject({ region: 'eu-central-1', tableName: 'cognito-dr-users-prod' });
  });

  it("takes the backup region from the primary stack's BackupRegion output when not given", async () => {
    const asked: string[] = [];
    const target = await resolveTarget(
      { stage: 'prod' },
      { backup: true, backupTable: true },
      async (region, stack): Promise<Record<string, string>> => {
        asked.push(`${region} ${stack}`);
        return stack.includes('primary')
          ? { ReplicationTableName: 'users', BackupRegion: 'eu-north-1' }
          : { BackupUserPoolId: 'eu-north-1_B' };
      },
    );
    expect(asked).toEqual(['us-east-1 cognito-dr-primary-prod', 'eu-north-1 cognito-dr-replica-prod']);
    expect(target.backupTable?.region).toBe('eu-north-1');
  });

  it("finds a stage's dead-letter queue and replicator client in the replica stack alone", async () => {
    const asked: string[] = [];
    const target = await resolveTarget(
      { stage: 'prod', backupRegion: 'eu-central-1' },
      { backup: true, backupTable: true, deadLetters: true },
      async (region, stack): Promise<Record<string, string>> => {
        asked.push(`${region} ${stack}`);
        return {
          ReplicationTableName: 'users',
          BackupUserPoolId: 'eu-central-1_B',
          BackupReplicatorClientId: 'replicator',
          ApplyDeadLetterQueueUrl: 'https://sqs.eu-central-1.amazonaws.com/1/dlq',
        };
      },
    );
    // Redrive works with the primary region down.
    expect(asked).toEqual(['eu-central-1 cognito-dr-replica-prod']);
    expect(target.backup?.replicatorClientId).toBe('replicator');
    expect(target.deadLetters).toMatchObject({
      kind: 'sqs',
      region: 'eu-central-1',
      queueUrl: 'https://sqs.eu-central-1.amazonaws.com/1/dlq',
    });
    closeTarget(target);
  });

  it('names what is missing: an output, an explicit id, a stack file', async () => {
    await expect(
      resolveTarget({ stage: 'dev' }, { primary: true }, async () => ({ UserPoolId: 'x' })),
    ).rejects.toThrow(/cognito-dr-primary-dev has no output ReplicationTableName/);
    await expect(resolveTarget({ table: 't' }, { primary: true })).rejects.toThrow(TargetError);
    await expect(resolveTarget({ table: 't' }, { primary: true })).rejects.toThrow(
      /--primary-pool-id is required/,
    );
    await expect(resolveTarget({ stack: '/nonexistent/stack.json' }, { primary: true })).rejects.toThrow(
      /cannot read the local stack description/,
    );
  });

  it('gives backfill the backup pool wherever the target names it, and asks no other stack for it', async () => {
    const asked: string[] = [];
    const staged = await resolveTarget(
      { stage: 'prod' },
      { primary: true, primaryTable: true, backupIfNamed: true },
      async (region, stack): Promise<Record<string, string>> => {
        asked.push(`${region} ${stack}`);
        return {
          UserPoolId: 'us-east-1_P',
          ReplicationTableName: 'users',
          BackupRegion: 'eu-north-1',
          BackupUserPoolIdInUse: 'eu-north-1_B',
        };
      },
    );
    expect(asked).toEqual(['us-east-1 cognito-dr-primary-prod']);
    expect(staged.backup).toMatchObject({ region: 'eu-north-1', userPoolId: 'eu-north-1_B' });

    const named = await resolveTarget(
      { primaryPoolId: 'us-west-2_X', backupPoolId: 'eu-west-1_Y', table: 't' },
      { primary: true, primaryTable: true, backupIfNamed: true },
    );
    expect(named.backup).toMatchObject({ region: 'eu-west-1', userPoolId: 'eu-west-1_Y' });
    const unnamed = await resolveTarget(
      { primaryPoolId: 'us-west-2_X', table: 't' },
      { primary: true, primaryTable: true, backupIfNamed: true },
    );
    expect(unnamed.backup).toBeUndefined();
  });

  it('never sets an endpoint for explicit targets: the SDK settings decide', async () => {
    const target = await resolveTarget(
      { primaryPoolId: 'us-west-2_X', table: 't' },
      { primary: true, primaryTable: true },
    );
    expect(target.primary?.region).toBe('us-west-2');
    expect(target.primary?.cognito.config.endpoint).toBeUndefined();
  });
});

/** The whole program, in-process, with its output captured. */
const run = async (argv: string[], clock?: Clock) => {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    clock,
  });
  return { code, stdout, stderr };
};

describe('main', () => {
  it('prints usage for --help and exits 0', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(EXIT.ok);
    expect(stdout).toContain('Usage: cognito-dr <command>');
  });

  it('exits 2 with the reason on bad usage or an unusable target', async () => {
    expect(await run(['status'])).toMatchObject({
      code: EXIT.usage,
      stderr: expect.stringContaining('target is required'),
    });
    const dir = mkdtempSync(join(tmpdir(), 'cognito-dr-cli-'));
    writeFileSync(join(dir, 'stack.json'), '{"primary":{}}');
    expect(await run(['backfill', '--stack', join(dir, 'stack.json')])).toMatchObject({
      code: EXIT.usage,
      stderr: expect.stringContaining('primary.region is missing'),
    });
  });
});

describe('main on a laptop whose clock runs 5 s fast', () => {
  // AWS as far as these commands get: every call is answered with an empty result and the real time.
  let server: Server;
  let endpoint: string;
  const calls: string[] = [];
  const fastClock: Clock = {
    now: () => Date.now() + 5_000,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };

  beforeAll(async () => {
    server = createServer((request, response) => {
      calls.push(String(request.headers['x-amz-target']).split('.').at(-1) as string);
      request.resume();
      request.on('end', () =>
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}'),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    calls.length = 0;
  });

  const stackFile = () => {
    const side = (region: string) => ({
      region,
      cognitoEndpoint: endpoint,
      userPoolId: `${region}_Pool`,
      clientId: 'client',
      dynamodbEndpoint: endpoint,
      tableName: 'users',
      controlTableName: 'control',
      stateTableName: 'state',
    });
    const file = join(mkdtempSync(join(tmpdir(), 'cognito-dr-cli-')), 'stack.json');
    writeFileSync(
      file,
      JSON.stringify({
        primary: side('us-east-1'),
        backup: side('ap-northeast-1'),
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
      { mode: 0o600 },
    );
    return file;
  };
  const WRITES = /Put|Update|Delete|Create|Set|Add|Remove|Enable|Disable/;

  it.each(['backfill', 'reconcile', 'repair', 'failover', 'failback'])(
    '%s exits 2 with the measured offset, having only read',
    async (command) => {
      const { code, stderr } = await run([command, '--stack', stackFile()], fastClock);

      expect(code).toBe(EXIT.usage);
      expect(stderr).toMatch(/the local clock is [45]\.\d s ahead of AWS \(±0\.\d s, from the Date header/);
      expect(calls.length).toBeGreaterThan(0);
      expect(calls.filter((call) => WRITES.test(call))).toEqual([]);
    },
  );

  it('still reads: status runs whatever the clock', async () => {
    const { code } = await run(['status', '--stack', stackFile(), '--json'], fastClock);
    expect(code).toBe(EXIT.ok);
  });
});

describe('commands on fake pools', () => {
  const world = (signIn: ('email' | 'phone_number')[] = []) => {
    const primary = new PagingUserPool({ usernameAttributes: signIn });
    const backup = new PagingUserPool({ usernameAttributes: signIn });
    const table = new ScannableTable();
    const clock = new FakeClock();
    primary.addUsers(75, 'user-', { 'custom:tier': 'secret-tier-value' });
    const target: Target = {
      label: 'fakes',
      primaryRegion: 'us-east-1',
      pools: { 'us-east-1': 'us-east-1_P', 'ap-northeast-1': 'ap-northeast-1_B' },
      primary: { region: 'us-east-1', userPoolId: 'us-east-1_P', cognito: primary.client },
      backup: { region: 'ap-northeast-1', userPoolId: 'ap-northeast-1_B', cognito: backup.client },
      primaryTable: { region: 'us-east-1', tableName: 'users', table: table.client },
      backupTable: {
        region: 'ap-northeast-1',
        tableName: 'users',
        stateTableName: 'state',
        table: table.client,
      },
    };
    const output = { out: [] as string[], err: [] as string[] };
    // What the fakes' answers would say: AWS's time is the fake clock's, to the second.
    const serverTime = new ServerTime(clock);
    const answered = (aheadMs = 0) =>
      serverTime.note({
        sentAt: clock.now(),
        receivedAt: clock.now(),
        serverTime: Math.floor((clock.now() - aheadMs) / 1000) * 1000,
      });
    answered();
    const context = (argv: string[], interrupted: () => boolean = () => false): CommandContext => ({
      options: options([...argv, '--stack', 'unused']),
      target,
      clock,
      serverTime,
      out: (line) => output.out.push(line),
      err: (line) => output.err.push(line),
      interrupted,
    });
    /** What the replica would have done: the backup pool holds every record's user. */
    const replicate = () => {
      for (const user of primary.users.values()) {
        backup.addUser({
          username: user.username,
          enabled: user.enabled,
          status: user.status,
          attributes: {
            ...user.attributes,
            sub: `backup-${user.username}`,
            'custom:source_sub': user.attributes.sub as string,
          },
        });
      }
    };
    return { primary, backup, table, clock, target, output, context, replicate, answered };
  };

  it('repair converges the backup pool to the table, from backup-side resources only, and reports calls per category', async () => {
    const w = world();
    await runEngineCommand(w.context(['backfill']));
    const { primary: _unused, primaryTable: _unusedTable, ...backupSide } = w.target;
    const context = (argv: string[]) => ({ ...w.context(argv), target: backupSide });

    const dry = await runEngineCommand(context(['repair', '--dry-run', '--json']));
    expect(dry).toBe(EXIT.ok);
    expect(JSON.parse(w.output.out.at(-1) as string)).toMatchObject({
      dryRun: true,
      counts: { created: 75 },
    });
    expect(w.backup.users.size).toBe(0);

    expect(
      await runEngineCommand(context(['repair', '--rps', 'UserCreation=1000', '--quota-share', '1'])),
    ).toBe(EXIT.ok);
    expect(w.output.out.join('\n')).toContain('checked 75 · created 75 · updated 0 · deleted 0');
    expect(w.output.out.join('\n')).toMatch(/Cognito calls: .*UserCreation 75/);
    expect(await runVerify(w.context(['verify']))).toBe(EXIT.ok);
  });

  it('repair refuses a target that does not say where its deletion breaker keeps its holds', async () => {
    const w = world();
    const { stateTableName: _none, ...backupTable } = w.target.backupTable as NonNullable<
      Target['backupTable']
    >;
    const context = { ...w.context(['repair']), target: { ...w.target, backupTable } };

    await expect(runEngineCommand(context)).rejects.toThrow(/--state-table <name>/);
    expect(w.backup.calls).toEqual([]);
  });

  it('backfill writes every user, reports counts, and shows no attribute value even with --verbose', async () => {
    const w = world();

    const code = await runEngineCommand(w.context(['backfill', '--verbose']));

    expect(code).toBe(EXIT.ok);
    expect(w.table.items.size).toBe(75);
    expect(w.output.out.join('\n')).toContain('checked 75 · created 75');
    expect(w.output.out.filter((line) => line.includes('created    user-'))).toHaveLength(75);
    expect(w.output.out.join('\n')).not.toContain('secret-tier-value');
    expect(w.output.out.join('\n')).not.toContain('@example.com');
  });

  it.each(['backfill', 'reconcile', 'repair'])(
    '%s of a pool that does not exist names it and its region, and writes nothing',
    async (command) => {
      const w = world();
      const pool = command === 'repair' ? w.backup : w.primary;
      const { userPoolId, region } = (
        command === 'repair' ? w.target.backup : w.target.primary
      ) as PoolTarget;
      pool.failNext(
        'DescribeUserPool',
        new ResourceNotFoundException({ message: 'User pool does not exist.', $metadata: {} }),
      );

      await expect(runEngineCommand(w.context([command]))).rejects.toMatchObject({
        name: 'PoolNotFoundError',
        message: `user pool ${userPoolId} does not exist in ${region}: check the pool id and region; nothing was written`,
      });
      expect(w.table.items.size).toBe(0);
      expect(pool.calls).toEqual(['DescribeUserPool']);
    },
  );

  it('backfill refuses a backup pool that lacks a custom attribute of the primary, naming mirror, and writes nothing', async () => {
    const w = world();
    const tier = { Name: 'custom:tier', AttributeDataType: 'String', Mutable: true } as const;
    w.primary.schemaAttributes = [{ Name: 'email', AttributeDataType: 'String', Mutable: true }, tier];
    w.backup.schemaAttributes = [{ Name: 'email', AttributeDataType: 'String', Mutable: true }];

    await expect(runEngineCommand(w.context(['backfill']))).rejects.toMatchObject({
      name: 'BackupPoolMismatchError',
      message: expect.stringMatching(
        /^backup pool ap-northeast-1_B lacks custom:tier, which the primary's users carry: run cognito-dr mirror .*Nothing was written$/,
      ),
    });
    expect(w.table.items.size).toBe(0);
    expect(w.backup.calls).toEqual(['DescribeUserPool']);

    // Once mirror has added it, the same backfill goes through.
    w.backup.schemaAttributes.push(tier);
    expect(await runEngineCommand(w.context(['backfill']))).toBe(EXIT.ok);
    expect(w.table.items.size).toBe(75);
  });

  it('backfill refuses a backup pool whose users sign in by another attribute, saying a new pool is needed', async () => {
    const w = world();
    w.primary.schemaAttributes = [{ Name: 'email', AttributeDataType: 'String', Mutable: true }];
    const backup = new PagingUserPool({ usernameAttributes: ['email'] });
    const target = { ...w.target, backup: { ...(w.target.backup as PoolTarget), cognito: backup.client } };

    await expect(runEngineCommand({ ...w.context(['backfill']), target })).rejects.toMatchObject({
      name: 'BackupPoolMismatchError',
      message: expect.stringMatching(
        /cannot take the primary's users: UsernameAttributes differ; Cognito cannot change UsernameAttributes of an existing pool: a new backup pool/,
      ),
    });
    expect(w.table.items.size).toBe(0);
  });

  it('stops at a checkpoint file on Ctrl-C and continues from it on the next run', async () => {
    const w = world();
    const file = join(mkdtempSync(join(tmpdir(), 'cognito-dr-cli-')), 'checkpoint.json');
    let batches = 0;

    const first = await runEngineCommand(
      w.context(['reconcile', '--checkpoint', file, '--concurrency', '5', '--json'], () => ++batches > 4),
    );

    // Incomplete, as any run that did not finish: not 130, which says the process was killed by the interrupt.
    expect(first).toBe(3);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(w.output.err.join('\n')).toContain('run the same command again to continue');
    const stopped = JSON.parse(w.output.out[0] as string);
    expect(stopped).toMatchObject({ complete: false });
    expect(stopped.counts.checked).toBeGreaterThan(0);
    expect(stopped.counts.checked).toBeLessThan(75);

    const second = await runEngineCommand(
      w.context(['reconcile', '--checkpoint', file, '--concurrency', '5', '--json']),
    );

    expect(second).toBe(EXIT.ok);
    expect(JSON.parse(w.output.out[1] as string)).toMatchObject({
      complete: true,
      counts: { checked: 75, created: 75 },
    });
    expect(() => statSync(file)).toThrow();
    expect(new Set(w.table.written).size).toBe(75);
  });

  it('writes nothing with a clock more than a second off AWS, but may still count in a dry run', async () => {
    const w = world();
    w.answered(3_000);

    await expect(runEngineCommand(w.context(['backfill']))).rejects.toThrow(ClockSkewError);
    await expect(runEngineCommand(w.context(['reconcile']))).rejects.toThrow(/ahead of AWS/);
    expect(w.table.items.size).toBe(0);

    expect(await runEngineCommand(w.context(['backfill', '--dry-run', '--json']))).toBe(EXIT.ok);
    expect(JSON.parse(w.output.out.at(-1) as string)).toMatchObject({ counts: { created: 75 } });
    expect(w.table.items.size).toBe(0);
  });

  it("refuses a table whose records name another deployment's pool, before writing", async () => {
    const w = world();
    const theirs = recordFromCognitoUser({
      user: { Username: 'theirs', Attributes: [{ Name: 'sub', Value: 's' }], Enabled: true },
      groups: [],
      origin: 'us-east-1',
      poolId: 'us-east-1_Prod',
      now: 1,
    });
    w.table.put(recordToItem({ ...theirs, version: 1 }));

    await expect(runEngineCommand(w.context(['backfill']))).rejects.toThrow(ForeignTableError);
    await expect(runEngineCommand(w.context(['repair']))).rejects.toThrow(ForeignTableError);
    expect([...w.table.items.keys()]).toEqual(['theirs']);
    expect(w.backup.users.size).toBe(0);
  });

  it('exits 1 when a user could not be written', async () => {
    const w = world();
    w.table.beforePut = ({ Item }) => {
      if (Item.username === 'user-0007')
        throw Object.assign(new Error('boom'), { name: 'InternalServerError' });
    };

    expect(await runEngineCommand(w.context(['backfill']))).toBe(EXIT.drift);
    expect(w.output.err.join('\n')).toMatch(
      /user [0-9a-f]{12} not converged \(listing phase\): InternalServerError/,
    );
  });

  it('redrive re-applies the parked users, removes their messages, and names users only with --verbose', async () => {
    const w = world();
    const dir = mkdtempSync(join(tmpdir(), 'cognito-dr-redrive-'));
    const parked = join(dir, 'parked.jsonl');
    writeFileSync(
      parked,
      `${JSON.stringify({ kind: 'cognito-dr/parked-record', username: 'user-0003', errorName: 'InvalidParameterException' })}\n`,
    );
    await runEngineCommand(w.context(['backfill']));
    w.target.deadLetters = { kind: 'files', paths: [parked, join(dir, 'batches.jsonl')] };

    const dry = await runRedrive(w.context(['redrive', '--dry-run', '--json']));
    expect(dry).toBe(EXIT.ok);
    expect(JSON.parse(w.output.out.at(-1) as string)).toMatchObject({
      messages: 1,
      removed: 0,
      users: { planned: 1 },
    });
    expect(w.backup.users.has('user-0003')).toBe(false);

    const code = await runRedrive(w.context(['redrive', '--json']));
    expect(code).toBe(EXIT.ok);
    const report = JSON.parse(w.output.out.at(-1) as string);
    expect(report).toMatchObject({
      messages: 1,
      handled: 1,
      removed: 1,
      kept: 0,
      users: { applied: 1, failed: 0 },
    });
    expect(JSON.stringify(report)).not.toContain('user-0003');
    expect(w.backup.users.get('user-0003')?.attributes['custom:tier']).toBe('secret-tier-value');
    expect(readFileSync(parked, 'utf8')).toBe('');

    writeFileSync(parked, `${JSON.stringify({ kind: 'cognito-dr/parked-record', username: 'user-0004' })}\n`);
    w.backup.failNext(
      'AdminCreateUser',
      Object.assign(new Error('x'), { name: 'InvalidParameterException' }),
    );
    expect(await runRedrive(w.context(['redrive', '--verbose']))).toBe(EXIT.drift);
    expect(w.output.out.join('\n')).toContain('failing    user-0004  (InvalidParameterException)');
    expect(w.output.out.join('\n')).not.toContain('secret-tier-value');
  });

  it('status counts all three places and the drift between them, usernames only with --verbose', async () => {
    const w = world();
    await runEngineCommand(w.context(['backfill']));
    w.replicate();
    w.backup.users.delete('user-0003');
    w.primary.users.delete('user-0004');
    w.clock.advance(42_000);

    const code = await runStatus(w.context(['status', '--json', '--verbose']));

    expect(code).toBe(EXIT.ok);
    const report = JSON.parse(w.output.out.pop() as string);
    expect(report).toMatchObject({
      // No control table named: normal times, the primary active.
      roles: { active: 'us-east-1', state: 'steady', epoch: 0 },
      primary: { users: 74 },
      table: { records: 75, tombstones: 0 },
      backup: { users: 74 },
      drift: {
        primaryToTable: { missing: 0, stale: 0, extra: 1, users: { extra: ['user-0004'] } },
        tableToBackup: { missing: 1, users: { missing: ['user-0003'] } },
      },
    });
    // The backfill's own paced reads took a little fake time too.
    expect(report.table.newestRecordAgeMs).toBeGreaterThanOrEqual(42_000);
    expect(report.table.newestRecordAgeMs).toBeLessThan(45_000);
    expect(JSON.stringify(report)).not.toContain('secret-tier-value');
  });

  it("status shows each pool's posture and whether it agrees with the roles", async () => {
    const w = world();
    w.primary.autoVerifiedAttributes = ['email'];
    // A backup a failback could not set on standby: it still verifies, as an active pool does.
    w.backup.autoVerifiedAttributes = ['email'];

    expect(await runStatus(w.context(['status', '--json']))).toBe(EXIT.ok);
    const { posture } = JSON.parse(w.output.out.pop() as string);
    expect(Object.keys(posture).sort()).toEqual(['ap-northeast-1', 'us-east-1']);
    expect(posture['us-east-1']).toMatchObject({ expected: 'active', pool: 'active', agrees: true });
    // Verifying email where the roles want nothing verified.
    expect(posture['ap-northeast-1']).toMatchObject({
      recorded: 'standby',
      verifies: ['email'],
      shouldVerify: [],
    });
    expect(posture['ap-northeast-1']).toMatchObject({ expected: 'standby', pool: 'active', agrees: false });

    w.backup.autoVerifiedAttributes = [];
    await runStatus(w.context(['status']));
    const printed = w.output.out.join('\n');
    expect(printed).toContain('posture       us-east-1 pool active, roles want active: agrees');
    expect(printed).toContain('posture       ap-northeast-1 pool standby, roles want standby: agrees');
  });

  it('status flags an active pool of phone-number users that verifies email instead of the phone number', async () => {
    const w = world(['phone_number']);
    w.primary.autoVerifiedAttributes = ['email'];
    expect(await runStatus(w.context(['status']))).toBe(EXIT.ok);
    expect(w.output.out.join('\n')).toContain(
      'posture       us-east-1 pool active verifying email, not phone_number, roles want active: DOES NOT AGREE',
    );
    w.primary.autoVerifiedAttributes = ['phone_number'];
    w.output.out.length = 0;
    await runStatus(w.context(['status']));
    expect(w.output.out.join('\n')).toContain(
      'posture       us-east-1 pool active, roles want active: agrees',
    );
  });

  it('verify exits 0 when the backup pool matches the table and 1 with the drifted users named', async () => {
    const w = world();
    await runEngineCommand(w.context(['backfill']));
    w.replicate();

    expect(await runVerify(w.context(['verify']))).toBe(EXIT.ok);
    expect(w.output.out.join('\n')).toContain('75 in sync · 0 missing, 0 stale, 0 extra');

    (w.backup.users.get('user-0009') as { enabled: boolean }).enabled = false;
    (w.backup.users.get('user-0010') as { attributes: Record<string, string> }).attributes['custom:tier'] =
      'other';
    w.backup.addUser({ username: 'stranger', enabled: true, status: 'CONFIRMED' });
    w.output.out.length = 0;

    expect(await runVerify(w.context(['verify', '--verbose']))).toBe(EXIT.drift);
    const printed = w.output.out.join('\n');
    expect(printed).toContain('stale    user-0009  (enable)');
    expect(printed).toContain('stale    user-0010  (updateAttributes)');
    expect(printed).toContain('extra    stranger');
    expect(printed).not.toContain('secret-tier-value');
    expect(printed).not.toContain('other');
  });

  it('verify compares against the records, not the primary pool', async () => {
    const w = world();
    const record = recordFromCognitoUser({
      user: {
        Username: 'only-in-table',
        Attributes: [{ Name: 'sub', Value: 's' }],
        Enabled: true,
        UserStatus: 'CONFIRMED',
      },
      groups: [],
      origin: 'us-east-1',
      poolId: 'us-east-1_P',
      now: 1,
    });
    w.table.put({ ...record, version: 1 });

    expect(await runVerify(w.context(['verify', '--json']))).toBe(EXIT.drift);
    expect(JSON.parse(w.output.out[0] as string)).toMatchObject({ missing: 1, drift: 1 });
  });
});

describe('progressLine', () => {
  it('shows users per second and, with a pool estimate, an ETA', () => {
    const line = progressLine(
      {
        mode: 'backfill',
        phase: 'listing',
        counts: {
          checked: 500,
          created: 480,
          updated: 0,
          tombstoned: 0,
          deleted: 0,
          unchanged: 20,
          failed: 0,
        },
        workedMs: 10_000,
      },
      2_000,
    );
    expect(line).toBe(
      'backfill · listing the pool · 500 checked · 480 created, 0 updated, 0 tombstoned · 50.0 users/s · ETA 0:30',
    );
  });
});
