/** A realistic program for the benchmarks: the shipped one grown to 40 blockers and 10 gates, roles assigned. */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Cutover, HistoryEntry, type ProgramInput } from '../src/core/schema.js';
import { newDocument, STORE_VERSION, StoreDocument } from '../src/service/document.js';
import { openJsonFileStore } from '../src/store/json-file/index.js';

export const PEOPLE = {
  'producer-incident-commander': 'UPIC',
  'consumer-incident-commander': 'UCIC',
  'producer-rollback-owner': 'UPRB',
  'consumer-rollback-owner': 'UCRB',
  'decision-log-owner': 'ULOG',
} as const;

export function realisticProgram(shippedPath: string): Cutover {
  const shipped = JSON.parse(readFileSync(shippedPath, 'utf8')) as ProgramInput;
  const roles = Object.keys(PEOPLE);
  const extraBlockers = Array.from({ length: 40 - shipped.blockers.length }, (_, i) => ({
    id: `manual-${i}`,
    title: `Manual readiness item ${i}: confirm the runbook step, the dashboard and the pager rotation`,
    owner: roles[i % roles.length] ?? 'decision-log-owner',
    phase: '8',
  }));
  const extraGates = Array.from({ length: 10 - shipped.gates.length }, (_, i) => ({
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

/** Writes a store (document + history log) the way the bot would have left it, with `n` history events. */
export async function seedStore(dir: string, program: Cutover, n: number): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'cutover.json');
  const store = await openJsonFileStore({
    path,
    schema: StoreDocument,
    version: STORE_VERSION,
    create: () => ({ ...newDocument(program), history: history(n) }),
    log: { field: 'history', entry: HistoryEntry },
  });
  await store.close();
  return path;
}

export async function writeProgram(dir: string, program: Cutover): Promise<string> {
  const path = join(dir, 'program.json');
  await writeFile(path, JSON.stringify(program));
  return path;
}
