// Starts the local stack's child processes, keeps each one's log under .local/logs/, reports a child that dies
// (with its last log lines) and stops them all, process group and all, so no port is left taken.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, rmSync, type WriteStream, writeFileSync } from 'node:fs';
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
  readonly command: string;
}

export class Supervisor {
  private readonly children: Supervised[] = [];
  private stopping = false;
  private readonly logDir: string;
  private deathListeners: Array<(error: ChildDiedError) => void> = [];

  /**
   * @param pidFile where the children's process groups are listed while they run, so a later start can stop
   *   what a killed predecessor left behind (see reapLeftovers).
   */
  constructor(
    logDir: string,
    private readonly pidFile?: string,
  ) {
    this.logDir = logDir;
    mkdirSync(logDir, { recursive: true });
  }

  private recordPids(): void {
    if (!this.pidFile) return;
    const running = this.children
      .filter((c) => c.process.pid !== undefined && c.process.exitCode === null)
      .map((c) => ({ name: c.name, pid: c.process.pid, command: c.command }));
    writeFileSync(this.pidFile, JSON.stringify(running));
  }

  /** Called once for the first child that dies on its own. */
  onDeath(listener: (error: ChildDiedError) => void): void {
    this.deathListeners.push(listener);
  }

  start(spec: ChildSpec): Supervised {
    const logFile = join(this.logDir, `${spec.name}.log`);
    const log: WriteStream = createWriteStream(logFile, { flags: 'a' });
    // A log that cannot be written (its directory removed under a loaded machine's late open) loses lines, never
    // the process: an unhandled stream error would take down whatever runs the stack.
    log.on('error', (error) => {
      process.stderr.write(`${spec.name}: its log ${logFile} cannot be written (${error.message})\n`);
    });
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
      if (!log.writableEnded) log.write(chunk);
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
      command: spec.command,
    };
    this.children.push(supervised);
    this.recordPids();
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
    if (this.pidFile) rmSync(this.pidFile, { force: true });
  }
}

/**
 * Stops the process groups a previous supervisor listed in `pidFile` and never stopped (its parent was killed
 * outright), so their ports and the emulators' data files are free again. A pid is only signalled while it still
 * runs the command recorded for it, so a recycled pid is left alone. Returns the names of what was stopped.
 */
export const reapLeftovers = (pidFile: string): string[] => {
  let entries: Array<{ name: string; pid: number; command: string }>;
  try {
    entries = JSON.parse(readFileSync(pidFile, 'utf8'));
  } catch {
    return [];
  }
  const reaped: string[] = [];
  for (const entry of entries) {
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${entry.pid}/cmdline`, 'utf8');
    } catch {
      continue; // gone, or no /proc on this system
    }
    if (!cmdline.split('\0')[0]?.endsWith(entry.command.split('/').pop() ?? entry.command)) continue;
    try {
      process.kill(-entry.pid, 'SIGKILL');
      reaped.push(entry.name);
    } catch {
      // already gone
    }
  }
  rmSync(pidFile, { force: true });
  return reaped;
};

const signalGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
};
