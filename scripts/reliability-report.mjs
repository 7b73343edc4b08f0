// Writes the figures of the last full reliability run (test-artifacts/reliability/full/*.json, saved by
// test/reliability/*) into docs/reliability.md, between its figures markers. `--quick` reports the
// quick pass that `npm test` runs instead.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pass = process.argv.includes('--quick') ? 'quick' : 'full';
const folder = join(root, 'test-artifacts', 'reliability', pass);
const doc = join(root, 'docs', 'reliability.md');
const BEGIN = '<!-- figures:begin -->';
const END = '<!-- figures:end -->';

let names;
try {
  names = readdirSync(folder).filter((name) => name.endsWith('.json'));
} catch {
  console.error(`no figures in ${folder}: run \`npm run test:reliability\` first`);
  process.exit(1);
}
const rows = names
  .map((name) => ({ id: name.replace(/\.json$/, ''), ...JSON.parse(readFileSync(join(folder, name), 'utf8')) }))
  .sort((a, b) => a.id.localeCompare(b.id));
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const table = [
  `Last ${pass} run: ${new Date().toISOString().slice(0, 10)}, ${rows.length} scenarios, Node ${process.versions.node}, ${process.platform}.`,
  '',
  '| id | scenario | cases | passed | requests | time | notes |',
  '|---|---|---|---|---|---|---|',
  ...rows.map(
    (row) =>
      `| ${row.id} | ${row.scenario} | ${row.cases} | ${row.passed} | ${row.requests ?? '-'} | ${seconds(row.ms)} | ${row.notes ?? ''} |`,
  ),
].join('\n');

const text = readFileSync(doc, 'utf8');
const start = text.indexOf(BEGIN);
const end = text.indexOf(END);
if (start < 0 || end < start) {
  console.error(`${doc} has no ${BEGIN} ... ${END} markers`);
  process.exit(1);
}
writeFileSync(doc, `${text.slice(0, start + BEGIN.length)}\n${table}\n${text.slice(end)}`);
console.log(`docs/reliability.md: figures of ${rows.length} scenarios from the ${pass} run`);
for (const row of rows) if (row.passed !== row.cases) console.log(`  ${row.id}: ${row.passed}/${row.cases} passed`);
