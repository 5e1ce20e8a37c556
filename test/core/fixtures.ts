/**
 * Shared builders for the core's tests: the shipped program with its five roles assigned, fixed clocks,
 * actors, and steps that run a command and insist it succeeded (or was refused without writing anything).
 */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { execute, type Outcome } from '../../src/core/commands.js';
import type { DomainError } from '../../src/core/errors.js';
import * as readiness from '../../src/core/readiness.js';
import {
  type Actor,
  type Blocker,
  type CommandInput,
  type Condition,
  Cutover,
  type ProgramInput,
} from '../../src/core/schema.js';
import type { Unmet } from '../../src/core/unmet.js';
import { refusalPlain, refusalSentence } from '../../src/slack/views/answers.js';
import { unmetLines } from '../../src/slack/views/unmet.js';
import { deepFrozen } from '../../src/store/changed-parts.js';
import { CORE_CAST } from '../fixtures/people.js';

// ---------------------------------------------------------------- clock

/** The morning after the seeds' checkpoint (2026-02-08). Every test uses fixed instants from here. */
export const T0 = new Date('2026-02-09T09:00:00.000Z');
/** `T0` plus some minutes. */
export const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

// ---------------------------------------------------------------- people

/** The core's cast (test/fixtures/people.ts). */
export const U = CORE_CAST;

export const user = (userId: string, isAdmin = false): Actor => ({ kind: 'user', userId, isAdmin });

/** The five named roles of the seeds, each held by a different person, plus an admin, CI and a bystander. */
export const A = {
  /** producer-incident-commander: MemoryKernel Producer On-Call Lead */
  pic: user(U.pic),
  /** consumer-incident-commander: Support Platform On-Call Lead */
  cic: user(U.cic),
  /** producer-rollback-owner: MemoryKernel Release Owner */
  pro: user(U.pro),
  /** consumer-rollback-owner: AssistSupport Runtime Integrations Owner */
  cro: user(U.cro),
  /** decision-log-owner: Integration Program Owner */
  dlo: user(U.dlo),
  admin: user(U.admin, true),
  nobody: user(U.nobody),
  ci: { kind: 'ci', name: 'GitHub Actions' } satisfies Actor,
} as const;

export const ROLE_HOLDERS: Record<string, string> = {
  'producer-incident-commander': U.pic,
  'consumer-incident-commander': U.cic,
  'producer-rollback-owner': U.pro,
  'consumer-rollback-owner': U.cro,
  'decision-log-owner': U.dlo,
};

// ---------------------------------------------------------------- release targets

/** A realistic full commit SHA (40 lower-case hex), different for each seed string. */
export const sha = (seed: string) => createHash('sha1').update(seed).digest('hex');
export const TAG1 = 'service.v3.0.0';
export const SHA1 = sha('service.v3.0.0');
export const TAG2 = 'service.v3.0.1';
export const SHA2 = sha('service.v3.0.1');
/** The targets as messages name them: `tag @ 12-hex`. */
export const LABEL1 = `${TAG1} @ ${SHA1.slice(0, 12)}`;
export const LABEL2 = `${TAG2} @ ${SHA2.slice(0, 12)}`;

/** The decision log owner's GO on runtime-cutover. */
export const GO_RUNTIME = {
  type: 'decide',
  decision: 'runtime-cutover',
  status: 'go',
  rationale: 'bilateral GO',
} as const;

// ---------------------------------------------------------------- running commands

export type Done = Extract<Outcome, { ok: true }>;

/** Runs a command that must succeed; a refusal fails the test with the message a person would see. */
export function run(c: Cutover, cmd: CommandInput, actor: Actor, now: Date = T0): Done {
  // On a frozen copy, as the store hands the program over: a transition that changed its input would throw here.
  const out = execute(deepFrozen(structuredClone(c)), cmd, actor, now);
  if (!out.ok)
    throw new Error(`expected ${cmd.type} to succeed, but it was refused: ${refusalPlain(out.error, c)}`);
  // The result shares what it did not change with that frozen copy: a copy of its own, for tests that edit it.
  return { ...out, cutover: structuredClone(out.cutover) };
}

/** Runs several commands in turn, each one on the state the previous one left. */
export function runAll(c: Cutover, steps: [CommandInput, Actor][], now: Date = T0): Cutover {
  return steps.reduce((state, [cmd, actor]) => run(state, cmd, actor, now).cutover, c);
}

// ---------------------------------------------------------------- the core's answers, as a person reads them

/**
 * A refusal as Slack says it: the sentence with the roles that may act named with their holders mentioned and the
 * command of the next step, and what is unmet as lines. The core returns data (`DomainError`); the rules' tests
 * assert what a person is told, so they read it through the Slack renderer.
 */
export interface Said {
  code: DomainError['code'];
  message: string;
  field?: string;
  unmet?: string[];
}

export function said(e: DomainError, c: Cutover): Said {
  const out: Said = { code: e.code, message: refusalSentence(e, c, (s) => s) };
  if (e.field !== undefined) out.field = e.field;
  if (e.items?.length) out.unmet = unmetLines(e.items);
  return out;
}

/** The refusal as one plain-text paragraph, unmet items as a bulleted list (as under a form's field). */
export const describeError = (e: Said) =>
  e.unmet?.length ? `${e.message}\n${e.unmet.map((u) => `• ${u}`).join('\n')}` : e.message;

/** Verdicts with what is unmet as the lines Slack shows. */
const asLines = (v: { ok: boolean; unmet: readonly Unmet[] }) => ({ ok: v.ok, unmet: unmetLines(v.unmet) });
export const mayDecideGo = (c: Cutover, id: string) => asLines(readiness.mayDecideGo(c, id));
export const mayStartPhase = (c: Cutover, id: string) => asLines(readiness.mayStartPhase(c, id));
export const conditionUnmet = (c: Cutover, cond: Condition) =>
  unmetLines(readiness.conditionUnmetItems(c, cond));
export function blockerState(c: Cutover, b: Blocker) {
  const v = readiness.blockerState(c, b);
  if (b.derived) return { status: v.status, unmet: unmetLines(v.unmet) };
  return { status: v.status, unmet: v.status === 'open' ? [`${b.title} (${b.id}) is open`] : [] };
}
export { unmetLine } from '../../src/slack/views/unmet.js';

/**
 * Runs a command that must be refused, and checks that nothing was written: the input cutover is deep-equal
 * to a copy taken before. Returns the refusal as Slack says it.
 */
export function refuse(c: Cutover, input: unknown, actor: Actor, now: Date = T0): Said {
  const before = structuredClone(c);
  const out = execute(c, input, actor, now);
  expect(c).toEqual(before);
  if (out.ok) throw new Error(`expected a refusal, but it succeeded: ${out.message}`);
  expect(out.error.message.trim()).not.toBe('');
  return said(out.error, c);
}

// ---------------------------------------------------------------- the shipped program

export const PROGRAM_FILE = new URL('../../programs/service-v3.json', import.meta.url);

export function programJson(): ProgramInput {
  return JSON.parse(readFileSync(PROGRAM_FILE, 'utf8'));
}

/** The shipped program as the store would start it: no role assigned yet. */
export function shipped(): Cutover {
  return Cutover.parse(programJson());
}

/** The seeds' state (2026-02-08), with the five roles assigned to five different people by an admin. */
export function seeded(): Cutover {
  let c = shipped();
  for (const [role, userId] of Object.entries(ROLE_HOLDERS))
    c = run(c, { type: 'role.assign', role, user: userId }, A.admin, T0).cutover;
  return c;
}

/** Lookups that fail the test loudly instead of returning undefined. */
export function byId<T extends { id: string }>(list: T[], id: string): T {
  const item = list.find((x) => x.id === id);
  if (!item) throw new Error(`no item "${id}" in [${list.map((x) => x.id).join(', ')}]`);
  return item;
}

// ---------------------------------------------------------------- steps of the road to GO

/** The producer release owner publishes, the consumer rollback owner approves. */
export const approveTarget = (c: Cutover, tag = TAG1, commit = SHA1, now = T0) =>
  runAll(
    c,
    [
      [{ type: 'target.publish', tag, sha: commit }, A.pro],
      [{ type: 'target.approve', target: tag }, A.cro],
    ],
    now,
  );

/** The three manual gates green, each set by its owner. */
export const greenGates = (c: Cutover, now = T0) =>
  runAll(
    c,
    [
      [{ type: 'gate.set', gate: 'producer-suite', status: 'green' }, A.pic],
      [{ type: 'gate.set', gate: 'consumer-suite', status: 'green' }, A.cic],
      [{ type: 'gate.set', gate: 'alignment', status: 'green' }, A.dlo],
    ],
    now,
  );

export const EVIDENCE_URL = (id: string, n = 1) => `https://ci.example.com/${id}/runs/${n}`;

/** All four evidences logged against the current target by someone of their side. */
export const logAllEvidence = (c: Cutover, now = T0) =>
  runAll(
    c,
    [
      [{ type: 'evidence.log', evidence: 'producer-handoff', url: EVIDENCE_URL('producer-handoff') }, A.pro],
      [{ type: 'evidence.log', evidence: 'consumer-repin', url: EVIDENCE_URL('consumer-repin') }, A.cro],
      [
        { type: 'evidence.log', evidence: 'producer-rollback', url: EVIDENCE_URL('producer-rollback') },
        A.pic,
      ],
      [
        { type: 'evidence.log', evidence: 'consumer-rollback', url: EVIDENCE_URL('consumer-rollback') },
        A.cic,
      ],
    ],
    now,
  );

/** Both commanders sign GO on the current approved target. */
export const signBothGo = (c: Cutover, now = T0) =>
  runAll(
    c,
    [
      [
        {
          type: 'signoff',
          side: 'producer',
          decision: 'go',
          rationale: 'producer suite green on the target',
        },
        A.pic,
      ],
      [{ type: 'signoff', side: 'consumer', decision: 'go', rationale: 'repinned and verified' }, A.cic],
    ],
    now,
  );

/** Every requirement of runtime-cutover GO met, the decision itself still NO-GO. */
export const readyForGo = (now = T0) =>
  signBothGo(logAllEvidence(greenGates(approveTarget(seeded(), TAG1, SHA1, now), now), now), now);

/** runtime-cutover decided GO by the decision log owner. */
export const decidedGo = (now = T0) =>
  run(
    readyForGo(now),
    {
      type: 'decide',
      decision: 'runtime-cutover',
      status: 'go',
      rationale: 'all blockers cleared, bilateral GO',
    },
    A.dlo,
    now,
  ).cutover;

/** The repository each side's CI commits the decision record to, in the core's tests. */
export const RECORD_REPOS: Record<string, string> = {
  producer: 'memorykernel/service',
  consumer: 'assistsupport/app',
};

/**
 * "Both repos report the record": each side's CI reports a commit of its repository holding the decision record of
 * the GO in force now (the `record.report` POST …/records makes once the edge matched the record's hash to this GO),
 * as commands to run.
 */
export function recordReportSteps(c: Cutover): [CommandInput, Actor][] {
  const go = readiness.goFingerprint(c);
  if (!go) throw new Error('there is no GO in force for a record to hold: decide GO first');
  return c.sides.map((side): [CommandInput, Actor] => [
    {
      type: 'record.report',
      side: side.id,
      repo: RECORD_REPOS[side.id] ?? `${side.id}/repo`,
      commit: sha(`record of ${go} in ${side.id}`),
      contentHash: createHash('sha256').update(go).digest('hex'),
      go,
    },
    A.ci,
  ]);
}

/** Both repos report the record of the GO in force now. */
export const reportRecords = (c: Cutover, now = T0) => runAll(c, recordReportSteps(c), now);

/** runtime-cutover decided GO and both repos hold its record: phase 8 may start. */
export const recordedGo = (now = T0) => reportRecords(decidedGo(now), now);
