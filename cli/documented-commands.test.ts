// Every `npx cognito-dr` command the docs show in a shell block is one the CLI takes as written: parsed here, so a
// renamed option or a command used with an option it refuses fails this test instead of a reader.
import { DOCS, documentedLines, words } from '../test/support/documented-commands';
import { parseCliArgs } from './args';

/** `npx cognito-dr ...` commands of a markdown file's shell blocks, from `npx` on. */
const documentedCommands = (file: string) =>
  documentedLines(file, 'npx cognito-dr ').map((line) => line.slice(line.indexOf('npx cognito-dr ')));

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
