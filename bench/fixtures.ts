/**
 * Realistic programs for the benchmarks (the shipped one grown, roles assigned), and stores seeded with them in the
 * layout the bot writes today: the catalog at `cutover.json`, one document and history log per program under
 * `cutover.programs/`, each written through the JSON adapter itself, so that a start reads them as they are
 * (no upgrade from the one-program layout, which would copy files and pollute the figures).
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Cutover, HistoryEntry, type ProgramInput } from '../src/core/schema.js';
import {
  CATALOG_VERSION,
  Catalog,
  newDocument,
  STORE_VERSION,
  StoreDocument,
} from '../src/service/document.js';
import { openJsonFileLayout } from '../src/store/json-file/index.js';

export const PEOPLE = {
  'producer-incident-commander': 'UPIC',
  'consumer-incident-commander': 'UCIC',
  'producer-rollback-owner': 'UPRB',
  'consumer-rollback-owner': 'UCRB',
  'decision-log-owner': 'ULOG',
} as const;

/** The shipped program grown to `size.blockers` blockers and `size.gates` gates (40 and 10 by default), roles assigned. */
export function realisticProgram(
  shippedPath: string,
  size: { blockers: number; gates: number } = { blockers: 40, gates: 10 },
): Cutover {
  const shipped = JSON.parse(readFileSync(shippedPath, 'utf8')) as ProgramInput;
  const roles = Object.keys(PEOPLE);
  const extraBlockers = Array.from(
    { length: Math.max(0, size.blockers - shipped.blockers.length) },
    (_, i) => ({
      id: `manual-${i}`,
      title: `Manual readiness item ${i}: confirm the runbook step, the dashboard and the pager rotation`,
      owner: roles[i % roles.length] ?? 'decision-log-owner',
      phase: '8',
    }),
  );
  const extraGates = Array.from({ length: Math.max(0, size.gates - shipped.gates.length) }, (_, i) => ({
    id: `suite-${i}`,
    title: `Additional verification suite ${i}`,
    owner: roles[i % roles.length] ?? 'decision-log-owner',
  }));
  return Cutover.parse({
    ...shipped,
    roles: shipped.roles.map((r) => ({ ...r, assignee: PEOPLE[r.id as keyof typeof PEOPLE] ?? null })),
    blockers: [...shipped.blockers, ...extraBlockers],
    gates: [...shipped.gates, ...extraGates],
  });
}

export function history(n: number, start = Date.parse('2026-01-01T00:00:00Z')): HistoryEntry[] {
  return Array.from({ length: n }, (_, i) =>
    HistoryEntry.parse({
      seq: i + 1,
      at: new Date(start + i * 1000).toISOString(),
      by: 'ULOG',
      asAdmin: false,
      action: 'gate.set',
      subject: 'gate alignment',
      before: i % 2 ? 'green' : 'pending',
      after: i % 2 ? 'pending' : 'green',
      note: `https://ci.example.com/runs/${i}`,
    }),
  );
}

/** One program of a seeded store: its cutover (bound to its channel) and how many history events it has had. */
export interface SeededProgram {
  cutover: Cutover;
  events: number;
}

/**
 * Writes a store of many programs the way the bot leaves it (store/json-file/document-set.ts): each program's
 * document and history log through the adapter, then the catalog that lists them (the commit point of a start).
 * Returns the store file's path (`CUTOVER_DB_PATH`).
 */
export async function seedPrograms(dir: string, programs: readonly SeededProgram[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'cutover.json');
  const layout = await openJsonFileLayout({
    path,
    catalog: { schema: Catalog, version: CATALOG_VERSION, create: () => Catalog.parse({}) },
    documents: {
      schema: StoreDocument,
      version: STORE_VERSION,
      log: { field: 'history', entry: HistoryEntry },
    },
  });
  try {
    for (const p of programs) {
      const store = await layout.documents.open(p.cutover.id, () => ({
        ...newDocument(p.cutover),
        history: history(p.events),
      }));
      await store.close();
    }
    await layout.catalog.update((cat) => ({
      next: {
        ...cat,
        programs: [...cat.programs, ...programs.map((p) => ({ id: p.cutover.id, from: 'bench' }))],
      },
      result: undefined,
    }));
  } finally {
    await layout.documents.close();
    await layout.catalog.close();
  }
  return path;
}

/** A store of one program in `channel` (the layout of many), with `n` history events. */
export function seedStore(dir: string, program: Cutover, n: number, channel = 'C0CUTOVER'): Promise<string> {
  return seedPrograms(dir, [{ cutover: { ...program, channel }, events: n }]);
}

/** The document file of one program of a seeded store. */
export const programPath = (dbPath: string, id: string) =>
  join(dbPath.replace(/\.json$/, '.programs'), `${id}.json`);

/** The extra joint roles each program of the many-programs fixture has, beside the shipped five. */
const EXTRA_ROLES = 6;
export const MANY_USER = 'UMANY';

/**
 * `count` programs of `blockers` blockers, `gates` gates and `events` history events, `p001`… in `C0P001`…, with
 * roles assigned so that `people` distinct users hold roles overall and `MANY_USER` holds one in the first
 * `manyIn` programs (the role `reviewer-1`). Every other user is `UR0001`…; within a program they are distinct.
 */
export function manyPrograms(
  shippedPath: string,
  opts: { count: number; blockers: number; gates: number; events: number; people: number; manyIn: number },
): SeededProgram[] {
  const base = realisticProgram(shippedPath, { blockers: opts.blockers, gates: opts.gates });
  const others = opts.people - 1;
  let slot = 0;
  const next = () => `UR${String((slot++ % others) + 1).padStart(4, '0')}`;
  return Array.from({ length: opts.count }, (_, i) => {
    const n = String(i + 1).padStart(3, '0');
    const extra = Array.from({ length: EXTRA_ROLES }, (_, k) => ({
      id: `reviewer-${k + 1}`,
      title: `Reviewer ${k + 1}`,
      assignee: null as string | null,
    }));
    const roles = [...base.roles, ...extra].map((r) => ({
      ...r,
      assignee: i < opts.manyIn && r.id === 'reviewer-1' ? MANY_USER : next(),
    }));
    const roleIds = roles.map((r) => r.id);
    const cutover = Cutover.parse({
      ...base,
      id: `p${n}`,
      title: `${base.title} ${n}`,
      channel: `C0P${n}`,
      roles,
      // Owned across every role, the reviewers' too: a Home has something waiting in each program.
      blockers: base.blockers.map((b, k) => (b.derived ? b : { ...b, owner: roleIds[k % roleIds.length] })),
      gates: base.gates.map((g, k) => (g.derived ? g : { ...g, owner: roleIds[(k + 3) % roleIds.length] })),
    });
    return { cutover, events: opts.events };
  });
}

export async function writeProgram(dir: string, program: Cutover): Promise<string> {
  const path = join(dir, 'program.json');
  await writeFile(path, JSON.stringify(program));
  return path;
}
