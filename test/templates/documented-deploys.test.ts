// Every `npx serverless` command and every params block the docs show works as written: a command run from the
// repository root goes through Serverless Compose, which refuses options it does not take (`--param` among them),
// so each is checked by compose's own option check; a command run from a service's directory, and each stage
// params block shown for a service's serverless.yml, is resolved offline by `serverless print` with the params it
// sets, which must land in the configuration.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { blocks, DOCS, ROOT, words } from '../support/documented-commands';
import { printService } from './support/template';

const validateComposeOptions = require('@osls/compose/src/validate-options') as (
  options: Record<string, unknown>,
  method: string,
) => void;

type Service = 'primary' | 'replica';

interface Command {
  file: string;
  line: string;
  /** The service directory it runs in, or undefined for the repository root. */
  service?: Service;
  method: string;
  options: Record<string, string | true>;
  params: Record<string, string>;
}

/** A documented `npx serverless <method> [options]` line run in `service`'s directory (or the root), as parsed. */
function commandOf(file: string, line: string, service: Service | undefined): Command {
  const args = words(line.slice(line.indexOf('npx serverless ') + 'npx serverless '.length));
  const options: Record<string, string | true> = {};
  const params: Record<string, string> = {};
  const method = args[0] ?? '';
  for (let i = 1; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) continue;
    const value = args[i + 1]?.startsWith('--') === false ? (args[++i] as string) : true;
    const name = arg.slice(2);
    options[name] = value;
    if (name === 'param' && typeof value === 'string') {
      params[value.slice(0, value.indexOf('='))] = value.slice(value.indexOf('=') + 1);
    }
  }
  return { file, line, service, method, options, params };
}

/** The `npx serverless` lines of a file's shell blocks, each with the directory an earlier `cd` left it in. */
function commandsOf(file: string): Command[] {
  const found: Command[] = [];
  for (const block of blocks(file, ['sh', 'bash'])) {
    let service: Service | undefined;
    for (const line of block.replace(/\\\n\s*/g, ' ').split('\n')) {
      // A command runs where the last `cd` before it went; the last `cd` of the line is where the next lines run
      // (`cd services/x && npx serverless ... && cd ../..` comes back).
      const at = line.indexOf('npx serverless ');
      const dirAfter = (text: string, from: Service | undefined) => {
        const cd = [...text.matchAll(/(?:^|\s)cd\s+(\S+)/g)].at(-1)?.[1];
        return cd ? (/^services\/(primary|replica)\/?$/.exec(cd)?.[1] as Service | undefined) : from;
      };
      if (at >= 0) found.push(commandOf(file, line.trim(), dirAfter(line.slice(0, at), service)));
      service = dirAfter(line, service);
    }
  }
  return found;
}

const commands = DOCS.flatMap(commandsOf);

/** The params a service reads (`param:<name>` in its serverless.yml or the resolvers beside it). */
const paramsRead = (service: Service) => {
  const dir = join(ROOT, 'services', service);
  const text = [
    readFileSync(join(dir, 'serverless.yml'), 'utf8'),
    readFileSync(
      join(dir, 'resources', service === 'primary' ? 'from-replica.cjs' : 'from-primary.cjs'),
      'utf8',
    ),
  ].join('\n');
  return new Set([...text.matchAll(/param[:']\s*'?(\w+)/g)].map(([, name]) => name));
};

/** YAML blocks that start with `# services/<svc>/serverless.yml`: what the docs tell readers to put there. */
const paramsBlocks = DOCS.flatMap((file) =>
  blocks(file, ['yaml', 'yml']).flatMap((indented) => {
    const indent = /^[ \t]*/.exec(indented)?.[0].length ?? 0;
    const block = indented
      .split('\n')
      .map((line) => line.slice(Math.min(indent, /^[ \t]*/.exec(line)?.[0].length ?? 0)))
      .join('\n');
    const service = /^#\s*services\/(primary|replica)\/serverless\.yml/.exec(block.trim())?.[1] as
      | Service
      | undefined;
    if (!service) return [];
    const stages = (parse(block) as { params?: Record<string, Record<string, unknown>> }).params ?? {};
    return Object.entries(stages).map(([stage, params]) => ({
      file,
      service,
      stage,
      params: Object.fromEntries(Object.entries(params).map(([name, value]) => [name, String(value)])),
    }));
  }),
);

it('finds the documented deploys: from the root, from a service directory, and params blocks', () => {
  expect(commands.filter((c) => !c.service && c.method === 'deploy').length).toBeGreaterThan(3);
  expect(commands.filter((c) => c.service && Object.keys(c.params).length > 0).length).toBeGreaterThan(0);
  expect(paramsBlocks.map((b) => b.service)).toEqual(expect.arrayContaining(['primary', 'replica']));
});

describe.each(commands.filter((c) => !c.service).map((c) => [c.file, c.line, c]))(
  'from the repository root, %s: %s',
  (_file, _line, command) => {
    it('is a command compose takes, with options compose takes', () => {
      expect(() => validateComposeOptions(command.options, command.method)).not.toThrow();
    });
  },
);

it("compose's option check is the one that refuses --param (so the test above can fail)", () => {
  expect(() => validateComposeOptions({ stage: 'prod', param: 'quotaShare=0.3' }, 'deploy')).toThrow(
    /--param/,
  );
});

describe.each(
  commands.filter((c) => c.service && Object.keys(c.params).length > 0).map((c) => [c.file, c.line, c]),
)('from a service directory, %s: %s', (_file, _line, command) => {
  const service = command.service as Service;

  it('sets only params the service reads', () => {
    const read = paramsRead(service);
    expect(Object.keys(command.params).filter((name) => !read.has(name))).toEqual([]);
  });

  it('resolves offline with those params, which land in the configuration', () => {
    const printed = JSON.stringify(printService(service, command.params));
    for (const value of Object.values(command.params)) expect(printed).toContain(JSON.stringify(value));
  }, 60_000);
});

describe.each(paramsBlocks.map((b) => [b.file, b.service, b.stage, b]))(
  '%s: params of services/%s for stage %s',
  (_file, service, _stage, block) => {
    it('names only params the service reads', () => {
      const read = paramsRead(service as Service);
      expect(Object.keys(block.params).filter((name) => !read.has(name))).toEqual([]);
    });

    it('resolves offline with those params, which land in the configuration', () => {
      const printed = JSON.stringify(printService(service as Service, block.params));
      for (const value of Object.values(block.params)) expect(printed).toContain(JSON.stringify(value));
    }, 60_000);
  },
);
