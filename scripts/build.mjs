// Bundles src/ into dist/ as CommonJS (the fastest format to start on Node 20).
// Every module that the sources load through a dynamic `import()` becomes its own bundle, so a command
// pays only for the code it uses: `rolecall list` never parses the YAML parser or the schema library
// when the compiled configuration is fresh.
import { readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const outdir = join(root, 'dist');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const sourceFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });

const dynamicImport = /import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
const toSource = (from, specifier) => resolve(dirname(from), specifier).replace(/\.js$/, '.ts');
const chunkName = (file) => relative(src, file).replace(/\.ts$/, '').replaceAll('/', '.');

const lazyModules = new Set();
for (const file of sourceFiles(src)) {
  for (const match of readFileSync(file, 'utf8').matchAll(dynamicImport)) lazyModules.add(toSource(file, match[1]));
}

const splitAtDynamicImports = {
  name: 'split-at-dynamic-imports',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\./ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const target = toSource(args.importer, args.path);
      if (!lazyModules.has(target)) return undefined;
      return { path: `./${chunkName(target)}.cjs`, external: true };
    });
  },
};

// Built beside dist/ and swapped in, so that a CLI started meanwhile (a test run) finds a whole bundle.
const staging = `${outdir}.${process.pid}.tmp`;
rmSync(staging, { recursive: true, force: true });
const entry = join(src, 'cli', 'main.ts');
await build({
  entryPoints: Object.fromEntries([entry, ...lazyModules].map((file) => [chunkName(file), file])),
  outdir: staging,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // import() becomes require(): the CommonJS loader is cheaper than booting the ESM loader.
  supported: { 'dynamic-import': false },
  // Packages whose ESM build reads import.meta.url (tinyglobby) get this file's URL, as in ESM.
  // The build id keys caches whose shape may change between builds of one version (the compiled config).
  define: {
    ROLECALL_VERSION: JSON.stringify(version),
    ROLECALL_BUILD: JSON.stringify(`${version}+${Date.now().toString(36)}`),
    'import.meta.url': 'importMetaUrl',
  },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [splitAtDynamicImports],
  legalComments: 'none',
  logLevel: 'warning',
});

const retired = `${outdir}.${process.pid}.old`;
try {
  renameSync(outdir, retired);
} catch (error) {
  if (error.code !== 'ENOENT') throw error;
}
renameSync(staging, outdir);
rmSync(retired, { recursive: true, force: true });
