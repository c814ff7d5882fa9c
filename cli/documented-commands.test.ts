// Every `npx cognito-dr` command the docs show in a shell block is one the CLI takes as written: parsed here, so a
// renamed option or a command used with an option it refuses fails this test instead of a reader.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCliArgs } from './args';

const ROOT = resolve(__dirname, '..');
const DOCS = [
  'README.md',
  'cli/README.md',
  ...readdirSync(join(ROOT, 'docs')).map((f) => `docs/${f}`),
].filter((file) => file.endsWith('.md'));

/** Words of a shell line: quotes group, a `#` outside quotes starts a comment. */
function words(line: string): string[] {
  const out: string[] = [];
  let word = '';
  let quote: string | undefined;
  let started = false;
  for (const char of line) {
    if (quote) {
      if (char === quote) quote = undefined;
      else word += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      started = true;
    } else if (char === '#' && !started && word === '') {
      break;
    } else if (/\s/.test(char)) {
      if (started || word) out.push(word);
      word = '';
      started = false;
    } else {
      word += char;
      started = true;
    }
  }
  if (started || word) out.push(word);
  return out;
}

/** `npx cognito-dr ...` lines of the shell blocks of a markdown file, continuations joined. */
function documentedCommands(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const commands: string[] = [];
  for (const [, block] of text.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)) {
    const lines = (block ?? '').replace(/\\\n\s*/g, ' ').split('\n');
    for (const line of lines) {
      const at = line.indexOf('npx cognito-dr ');
      if (at >= 0) commands.push(line.slice(at).trim());
    }
  }
  return commands;
}

const all = DOCS.flatMap((file) => documentedCommands(file).map((command) => ({ file, command })));

it('finds the documented commands, mirror and triggers among them', () => {
  expect(all.length).toBeGreaterThan(20);
  expect(all.map((c) => c.command)).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^npx cognito-dr mirror /),
      expect.stringMatching(/^npx cognito-dr triggers /),
    ]),
  );
});

it.each(all.map(({ file, command }) => [file, command]))('%s: %s', (_file, command) => {
  const args = words(command).slice(2);
  expect(() => parseCliArgs(args)).not.toThrow();
});
