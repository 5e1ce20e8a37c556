/**
 * The two-replicas section alone: `tsc -p tsconfig.bench.json && node dist-bench/bench/replicas-run.js [--quick]`.
 * Prints its rows as `npm run bench` does; writes nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replicas } from './replicas.js';
import type { Row } from './row.js';

const rows: Row[] = [];
const add = (row: Row) => {
  rows.push(row);
  const mark = row.met === null ? ' ' : row.met ? '✓' : '✗';
  console.log(`${mark} ${row.figure.padEnd(56)} ${row.value.padEnd(44)} target ${row.target}`);
};

const t0 = performance.now();
const work = await mkdtemp(join(tmpdir(), 'cutover-bench-'));
try {
  await replicas(work, { quick: process.argv.includes('--quick'), add });
} finally {
  await rm(work, { recursive: true, force: true });
}
console.log(`\n${((performance.now() - t0) / 1000).toFixed(0)} s`);
for (const r of rows) if (r.note) console.log(`- ${r.figure}: ${r.note}.`);
for (const r of rows)
  if (r.met === false) console.log(`✗ ${r.figure}: ${r.ifMissed ?? 'no explanation recorded'}.`);
