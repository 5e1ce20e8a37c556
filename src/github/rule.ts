/**
 * The deployment protection rule's decisions, pure: which program governs a deployment, what the bot answers GitHub
 * for it now (approve, reject, or nothing yet: it waits), and what the channel is told. The go check itself is the
 * core's (core/go-check.ts).
 */
import { type GoCheck, goCheck, goRefusalWords } from '../core/go-check.js';
import type { Cutover } from '../core/schema.js';
import type { DeploymentItem, StoreDocument } from '../service/document.js';

export type Deployment = StoreDocument['deployments'][number];
export type ReviewState = 'approved' | 'rejected';

/** Answered deployments kept per document (the waiting ones are always kept). */
export const ANSWERED_KEPT = 200;

/** The decision whose GO releases a program's deployments: `github.decision`, else the first with GO requirements. */
export function decisionOf(c: Cutover): string | undefined {
  return c.github?.decision ?? c.decisions.find((d) => d.goRequires)?.id ?? c.decisions[0]?.id;
}

/** Whether `c` governs deployments of `repo` (owner/name, any case) to `environment`. */
export function governs(c: Cutover, repo: string, environment: string): boolean {
  const g = c.github;
  if (!g) return false;
  return (
    g.repos.some((r) => r.toLowerCase() === repo.toLowerCase()) &&
    g.environments.some((e) => e === environment)
  );
}

/** The one key of a deployment to an environment: GitHub asks once per deployment and environment. */
export const deploymentKey = (repo: string, deploymentId: number, environment: string) =>
  `${repo.toLowerCase()}#${deploymentId}#${environment}`;

/** The go check for a deployment of `sha` on `c` now. */
export function checkDeployment(c: Cutover, sha: string, now: Date): GoCheck {
  const decision = decisionOf(c);
  return decision
    ? goCheck(c, decision, sha, now)
    : {
        ok: false,
        final: true,
        unmet: [],
        reason: { kind: 'unknown-decision', decision: '(none)', known: [] },
      };
}

/**
 * What the bot answers GitHub now: approved when the check passes, rejected when it never will, else nothing yet.
 * `why` is the plain words the channel is told; `comment` is what GitHub shows on the deployment.
 */
export function answerFor(
  c: Cutover,
  check: GoCheck,
): { state: ReviewState; comment: string; why: string } | undefined {
  const answer = (state: ReviewState, why: string) => ({ state, why, comment: `cutover-bot: ${why}` });
  if (check.ok)
    return answer(
      'approved',
      `${c.title} — ${check.decision} is GO for ${check.target.tag} @ ${check.target.sha.slice(0, 12)}${check.window ? `, inside the approved window (${check.window.start} to ${check.window.end})` : ''}.`,
    );
  if (check.final) return answer('rejected', `${goRefusalWords(check.reason)}.`);
  return undefined;
}

/** When a waiting deployment should be looked at again without a change: the approved window's start. */
export function wakeAt(check: GoCheck): number | undefined {
  return !check.ok && check.reason.kind === 'window-not-open' ? Date.parse(check.reason.start) : undefined;
}

/**
 * The outbox item telling the channel of a deployment (none while the program has no channel), typed: its text
 * is rendered at delivery (slack/views/deployments.ts `deploymentText`).
 */
export function deploymentAlert(
  doc: StoreDocument,
  d: Deployment,
  what: 'waits' | ReviewState,
  why: string,
  now: Date,
): DeploymentItem[] {
  const channel = doc.cutover.channel;
  if (!channel) return [];
  return [
    {
      id: `github:${doc.cutover.id}:${d.key}:${what}`,
      channel,
      kind: 'deployment',
      program: doc.cutover.id,
      deployment: { repo: d.repo, environment: d.environment, sha: d.sha },
      what,
      why,
      createdAt: now.toISOString(),
      attempts: 0,
    },
  ];
}

/** The deployments list with the answered ones beyond `ANSWERED_KEPT` dropped, oldest first. */
export function bounded(list: Deployment[]): Deployment[] {
  const answered = list.filter((d) => d.state === 'approved' || d.state === 'rejected');
  const drop = new Set(answered.slice(0, Math.max(0, answered.length - ANSWERED_KEPT)).map((d) => d.key));
  return list.filter((d) => !drop.has(d.key));
}
