import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildDiedError, reapLeftovers, Supervisor } from './supervisor';

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('Supervisor', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'supervisor-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reports a child that dies on its own, with its exit code and last log lines', async () => {
    const supervisor = new Supervisor(dir);
    const reported: ChildDiedError[] = [];
    supervisor.onDeath((error) => reported.push(error));
    const child = supervisor.start({
      name: 'crasher',
      command: process.execPath,
      args: ['-e', 'console.log("warming up"); console.error("fatal: port taken"); process.exit(3)'],
      cwd: dir,
    });
    const error = await child.died.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChildDiedError);
    expect((error as ChildDiedError).code).toBe(3);
    expect((error as ChildDiedError).lastLines).toEqual(expect.arrayContaining(['fatal: port taken']));
    expect((error as ChildDiedError).message).toContain('crasher');
    expect(reported).toHaveLength(1);
    await supervisor.stopAll();
  });

  it('stops every child and the processes they started, and reports none of them as dead', async () => {
    const supervisor = new Supervisor(dir);
    const reported: ChildDiedError[] = [];
    supervisor.onDeath((error) => reported.push(error));
    // The child starts a grandchild and prints its pid, as serverless offline or a JVM launcher would.
    const child = supervisor.start({
      name: 'parent',
      command: process.execPath,
      args: [
        '-e',
        `const c = require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
         console.log('grandchild ' + c.pid); setInterval(() => {}, 1000);`,
      ],
      cwd: dir,
    });
    const grandchild = await new Promise<number>((resolve) => {
      const timer = setInterval(() => {
        const line = child.lastLines().find((l) => l.startsWith('grandchild '));
        if (line) {
          clearInterval(timer);
          resolve(Number(line.split(' ')[1]));
        }
      }, 20);
    });
    expect(isAlive(grandchild)).toBe(true);
    await supervisor.stopAll(2000);
    expect(child.process.exitCode !== null || child.process.signalCode !== null).toBe(true);
    const deadline = Date.now() + 2000;
    while (isAlive(grandchild) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(isAlive(grandchild)).toBe(false);
    expect(reported).toEqual([]);
  });
});

describe('reapLeftovers', () => {
  it('stops the process groups a killed supervisor left running, and nothing else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reap-'));
    const pidFile = join(dir, 'pids.json');
    const orphaned = new Supervisor(dir, pidFile);
    const child = orphaned.start({
      name: 'left-behind',
      command: process.execPath,
      args: ['-e', 'setInterval(() => {}, 1000)'],
      cwd: dir,
    });
    const pid = child.process.pid ?? 0;
    expect(isAlive(pid)).toBe(true);
    // The supervisor's owner dies without stopping it: only the pid file remains.
    expect(reapLeftovers(pidFile)).toEqual(['left-behind']);
    const deadline = Date.now() + 2000;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(isAlive(pid)).toBe(false);
    expect(reapLeftovers(pidFile)).toEqual([]);
    await orphaned.stopAll();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('a log that cannot be written', () => {
  it('costs the log lines, not the process that runs the stack', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unwritable-'));
    const supervisor = new Supervisor(join(dir, 'logs'), join(dir, 'pids.json'));
    // The log directory goes away before the log file is opened, as a loaded machine's late open can find it.
    rmSync(join(dir, 'logs'), { recursive: true, force: true });
    const child = supervisor.start({
      name: 'unlogged',
      command: process.execPath,
      args: ['-e', 'setInterval(() => {}, 1000)'],
      cwd: dir,
    });
    const said: string[] = [];
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      said.push(String(chunk));
      return true;
    });
    try {
      const failed = await new Promise<string>((done) => {
        const look = () => {
          const line = said.find((l) => l.startsWith('unlogged: its log'));
          if (line) done(line);
          else setImmediate(look);
        };
        look();
      });
      expect(failed).toContain('ENOENT');
    } finally {
      stderr.mockRestore();
    }
    expect(isAlive(child.process.pid ?? 0)).toBe(true);
    await supervisor.stopAll();
    rmSync(dir, { recursive: true, force: true });
  });
});
