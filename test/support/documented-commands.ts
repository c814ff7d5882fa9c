// The commands the docs show in their shell blocks, read the way a reader copies them: a test that runs or parses
// each one fails when a doc and the code part ways.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');

/** Every markdown file a reader is sent to: README, the CLI's README and docs/. */
export const DOCS = [
  'README.md',
  'cli/README.md',
  ...readdirSync(join(ROOT, 'docs')).map((f) => `docs/${f}`),
].filter((file) => file.endsWith('.md'));

/** Words of a shell line: quotes group, a `#` outside quotes starts a comment. */
export function words(line: string): string[] {
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

/** The fenced blocks of one language (`sh` and `bash` for shell) of a markdown file. */
export function blocks(file: string, languages: string[]): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const fence = new RegExp(`^[ \\t]*\`\`\`(?:${languages.join('|')})\\n([\\s\\S]*?)^[ \\t]*\`\`\``, 'gm');
  return [...text.matchAll(fence)].map(([, block]) => block ?? '');
}

/** Lines of the shell blocks of a markdown file that contain `marker`, continuations joined, from the line start. */
export function documentedLines(file: string, marker: string): string[] {
  const lines: string[] = [];
  for (const block of blocks(file, ['sh', 'bash'])) {
    for (const line of block.replace(/\\\n\s*/g, ' ').split('\n')) {
      if (line.includes(marker)) lines.push(line.trim());
    }
  }
  return lines;
}
