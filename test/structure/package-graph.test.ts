// The tree's dependency rules, read off the sources: each package declares in its package.json the packages it
// imports, code reaches another package only through what that package exports, and no module imports itself back
// through a chain of others (types included).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const PACKAGES = ['shared', 'capture', 'apply', 'failover', 'reconcile', 'adopt', 'mirror'];
/** Everything that is code, below the root. */
const CODE_DIRS = [...PACKAGES, 'services', 'cli', 'local', 'bench', 'test'];

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  exports?: Record<string, string>;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (['node_modules', '.esbuild', '.serverless'].includes(name)) return [];
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|cjs|js)$/.test(name) ? [path] : [];
  });
}

/** Every module a file names in an import, export … from, require() or import(), with whether only types are used. */
function importsOf(file: string): { specifier: string; typeOnly: boolean }[] {
  const text = readFileSync(file, 'utf8');
  const found: { specifier: string; typeOnly: boolean }[] = [];
  for (const match of text.matchAll(
    /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm,
  )) {
    found.push({ specifier: match[3] as string, typeOnly: Boolean(match[2]) });
  }
  for (const match of text.matchAll(/\b(?:require|require\.resolve|import)\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    found.push({ specifier: match[1] as string, typeOnly: false });
  }
  return found;
}

/** The npm package a bare specifier names (`@scope/name` or `name`), or undefined for relative and built-in ones. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier))
    return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const isTestCode = (file: string) =>
  /\.(test|e2e)\.ts$/.test(file) || file.includes(`${join('src', 'testing')}/`);

describe('package dependencies', () => {
  it.each(PACKAGES)('%s declares every package it imports', (name) => {
    const manifest = readJson<PackageJson>(join(ROOT, name, 'package.json'));
    const runtime = new Set(Object.keys(manifest.dependencies ?? {}));
    const all = new Set([...runtime, ...Object.keys(manifest.devDependencies ?? {})]);
    const undeclared = new Set<string>();
    for (const file of sources(join(ROOT, name))) {
      for (const { specifier, typeOnly } of importsOf(file)) {
        const dependency = packageOf(specifier);
        if (!dependency || dependency === manifest.name) continue;
        // Types are only needed to build: a devDependency will do, or the @types package of one that ships none.
        if (typeOnly && (all.has(dependency) || all.has(`@types/${dependency}`))) continue;
        const allowed = isTestCode(file) ? all : runtime;
        if (!allowed.has(dependency)) undeclared.add(`${relative(ROOT, file)}: ${dependency}`);
      }
    }
    expect([...undeclared]).toEqual([]);
  });

  it('declares each dependency at the version the root installs, so one copy serves every package', () => {
    const root = readJson<PackageJson>(join(ROOT, 'package.json'));
    const installed = { ...root.dependencies, ...root.devDependencies };
    const mismatched = PACKAGES.flatMap((name) => {
      const manifest = readJson<PackageJson>(join(ROOT, name, 'package.json'));
      return Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })
        .filter(([dependency, version]) =>
          dependency.startsWith('@cognito-dr/') ? version !== '0.1.0' : installed[dependency] !== version,
        )
        .map(([dependency, version]) => `${name}: ${dependency}@${version}`);
    });
    expect(mismatched).toEqual([]);
  });

  it('reaches into another package only through what it exports (its index, handlers and testing helpers)', () => {
    const exported = new Map(
      PACKAGES.map((name) => {
        const manifest = readJson<PackageJson>(join(ROOT, name, 'package.json'));
        return [manifest.name, Object.keys(manifest.exports ?? { '.': '' })] as const;
      }),
    );
    const reachesIn: string[] = [];
    for (const file of CODE_DIRS.flatMap((dir) => sources(join(ROOT, dir)))) {
      for (const { specifier } of importsOf(file)) {
        const name = packageOf(specifier);
        const paths = name && exported.get(name);
        if (!name || !paths) continue;
        const subpath = `.${specifier.slice(name.length)}`;
        const allowed = paths.some((path) =>
          path.endsWith('/*') ? subpath.startsWith(path.slice(0, -1)) : subpath === path,
        );
        const testingOnly = subpath.startsWith('./src/testing/');
        if (!allowed || (testingOnly && !isTestCode(file) && !file.startsWith(join(ROOT, 'bench')))) {
          reachesIn.push(`${relative(ROOT, file)}: ${specifier}`);
        }
      }
    }
    expect(reachesIn).toEqual([]);
  });
});

describe('the product CLI', () => {
  it('talks to the local stack only through stack.json and its URLs: nothing in cli/ imports local/', () => {
    const local = join(ROOT, 'local');
    const reachesLocal = sources(join(ROOT, 'cli')).flatMap((file) =>
      importsOf(file)
        .filter(({ specifier }) => specifier.startsWith('.'))
        .filter(({ specifier }) => resolve(dirname(file), specifier).startsWith(`${local}/`))
        .map(({ specifier }) => `${relative(ROOT, file)}: ${specifier}`),
    );
    expect(reachesLocal).toEqual([]);
  });
});

describe('import cycles', () => {
  /** The file a relative specifier names, or the package entry a workspace package's name does. */
  function target(from: string, specifier: string): string | undefined {
    const base = specifier.startsWith('.')
      ? resolve(dirname(from), specifier)
      : PACKAGES.map((name) => [`@cognito-dr/${name}`, name] as const)
          .filter(([pkg]) => specifier === pkg || specifier.startsWith(`${pkg}/`))
          .map(([pkg, dir]) =>
            join(ROOT, dir, specifier === pkg ? 'src/index' : specifier.slice(pkg.length + 1)),
          )[0];
    if (!base) return undefined;
    for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
      try {
        if (statSync(candidate).isFile()) return candidate;
      } catch {}
    }
    return undefined;
  }

  it('has no module that imports itself back, types included', () => {
    const files = CODE_DIRS.flatMap((dir) => sources(join(ROOT, dir))).filter((file) => file.endsWith('.ts'));
    const edges = new Map(
      files.map((file) => [
        file,
        importsOf(file)
          .map(({ specifier }) => target(file, specifier))
          .filter((to): to is string => to !== undefined),
      ]),
    );
    const cycles = new Set<string>();
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      path.push(file);
      for (const next of edges.get(file) ?? []) {
        if (state.get(next) === 'open') {
          const loop = path.slice(path.indexOf(next)).map((step) => relative(ROOT, step));
          cycles.add([...loop, loop[0]].join(' -> '));
        } else if (!state.has(next)) visit(next);
      }
      path.pop();
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file);
    expect([...cycles]).toEqual([]);
  });
});

describe('Lambda handlers', () => {
  /** Function files: each service's functions, and the handlers the packages export for them. */
  const handlerFiles = () =>
    [
      ...['primary', 'replica'].flatMap((service) =>
        sources(join(ROOT, 'services', service, 'src', 'functions')),
      ),
      ...PACKAGES.flatMap((name) => {
        const dir = join(ROOT, name, 'src', 'handlers');
        try {
          return sources(dir);
        } catch {
          return [];
        }
      }),
    ].filter((file) => file.endsWith('.ts') && !isTestCode(file));

  it('are all made by the one handler factory (lambdaHandler), directly or through a maker built on it', () => {
    const MAKERS = /\b(lambdaHandler|makeHandler|scheduledRunHandler|composedTrigger|repairHandler)[<(]/;
    const handmade = handlerFiles().filter((file) => {
      const text = readFileSync(file, 'utf8');
      if (!/export const handler\b/.test(text)) return false;
      return !MAKERS.test(text.slice(text.indexOf('export const handler')));
    });
    expect(handmade.map((file) => relative(ROOT, file))).toEqual([]);
  });

  it('create no logger or metrics of their own: the factory gives them', () => {
    const own = handlerFiles().filter((file) => /new (Logger|Metrics)\(/.test(readFileSync(file, 'utf8')));
    expect(own.map((file) => relative(ROOT, file))).toEqual([]);
  });
});
