// Starts the local stack's child processes, keeps each one's log under .local/logs/, reports a child that dies
// (with its last log lines) and stops them all, process group and all, so no port is left taken.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';

const TAIL_LINES = 30;

export interface ChildSpec {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

export class ChildDiedError extends Error {
  override name = 'ChildDiedError';
  constructor(
    readonly child: string,
    readonly code: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly lastLines: string[],
    readonly logFile: string,
  ) {
    super(
      `${child} exited (${signal ?? `code ${code}`}); its last log lines (${logFile}):\n` +
        lastLines.map((line) => `  | ${line}`).join('\n'),
    );
  }
}

export interface Supervised {
  readonly name: string;
  readonly process: ChildProcess;
  readonly logFile: string;
  /** Rejects with ChildDiedError if the child exits before the supervisor stops it. Never resolves. */
  readonly died: Promise<never>;
  lastLines(): string[];
}

export class Supervisor {
  private readonly children: Supervised[] = [];
  private stopping = false;
  private readonly logDir: string;
  private deathListeners: Array<(error: ChildDiedError) => void> = [];

  constructor(logDir: string) {
    this.logDir = logDir;
    mkdirSync(logDir, { recursive: true });
  }

  /** Called once for the first child that dies on its own. */
  onDeath(listener: (error: ChildDiedError) => void): void {
    this.deathListeners.push(listener);
  }

  start(spec: ChildSpec): Supervised {
    const logFile = join(this.logDir, `${spec.name}.log`);
    const log: WriteStream = createWriteStream(logFile, { flags: 'a' });
    log.write(`\n--- ${new Date().toISOString()} starting ${spec.command} ${spec.args.join(' ')}\n`);
    // Own process group, so stopping it also stops whatever it started (java, worker processes).
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    const collect = (chunk: Buffer) => {
      log.write(chunk);
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    let rejectDied: (error: ChildDiedError) => void = () => {};
    const died = new Promise<never>((_, reject) => {
      rejectDied = reject;
    });
    died.catch(() => {}); // observed through onDeath / waitFor, never an unhandled rejection
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      log.end(`--- exited ${signal ?? code}\n`);
      if (this.stopping) return;
      const error = new ChildDiedError(spec.name, code, signal, [...tail], logFile);
      rejectDied(error);
      for (const listener of this.deathListeners) listener(error);
      this.deathListeners = [];
    };
    child.once('exit', onExit);
    child.once('error', (error) => {
      tail.push(`spawn failed: ${error.message}`);
      onExit(null, null);
    });
    const supervised: Supervised = {
      name: spec.name,
      process: child,
      logFile,
      died,
      lastLines: () => [...tail],
    };
    this.children.push(supervised);
    return supervised;
  }

  /** SIGTERM to every child's process group, SIGKILL to what is still alive after `graceMs`. */
  async stopAll(graceMs = 5000): Promise<void> {
    this.stopping = true;
    const alive = this.children.filter((c) => c.process.exitCode === null && c.process.signalCode === null);
    const exited = alive.map(
      (c) =>
        new Promise<void>((resolve) =>
          c.process.exitCode !== null ? resolve() : c.process.once('exit', () => resolve()),
        ),
    );
    for (const c of alive.reverse()) signalGroup(c.process, 'SIGTERM');
    const timer = setTimeout(() => {
      for (const c of alive) signalGroup(c.process, 'SIGKILL');
    }, graceMs);
    await Promise.all(exited);
    clearTimeout(timer);
    // A child may have left grandchildren behind in its group after it exited itself.
    for (const c of this.children) signalGroup(c.process, 'SIGKILL');
  }
}

const signalGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
};
