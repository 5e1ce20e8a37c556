/**
 * A second program for the alert tests: three sides, other role ids, manual blockers only, and its own permission
 * table. Nothing in src/alerts may depend on the shipped program's ids; this one shares none of them.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Cutover, type ProgramInput } from '../../src/core/schema.js';
import { LAUNCH_CAST } from '../fixtures/people.js';

/** The program's people (test/fixtures/people.ts). */
export const LAUNCH_PEOPLE = LAUNCH_CAST;

export const LAUNCH_ROLES: Record<string, string> = {
  'launch-coordinator': LAUNCH_PEOPLE.coordinator,
  'platform-lead': LAUNCH_PEOPLE.platform,
  'mobile-lead': LAUNCH_PEOPLE.mobile,
  'web-lead': LAUNCH_PEOPLE.web,
  'release-captain': LAUNCH_PEOPLE.captain,
};

export const launchProgram = (): ProgramInput => ({
  id: 'app-launch-5',
  title: 'App 5 launch',
  release: 'app-5',
  logOwnerRole: 'launch-coordinator',
  sides: [
    { id: 'platform', name: 'Platform', commanderRole: 'platform-lead' },
    { id: 'mobile', name: 'Mobile', commanderRole: 'mobile-lead' },
    { id: 'web', name: 'Web', commanderRole: 'web-lead' },
  ],
  roles: [
    { id: 'launch-coordinator', title: 'Launch coordinator' },
    { id: 'platform-lead', title: 'Platform lead', side: 'platform' },
    { id: 'mobile-lead', title: 'Mobile lead', side: 'mobile' },
    { id: 'web-lead', title: 'Web lead', side: 'web' },
    { id: 'release-captain', title: 'Release captain', side: 'mobile' },
  ],
  decisions: [
    {
      id: 'launch',
      title: 'Launch',
      status: 'no-go',
      goRequires: { blockersCleared: ['go-live'], allGatesGreen: true, signedGo: true },
    },
  ],
  phases: [{ id: 'go-live', title: 'Go live', status: 'not-started' }],
  blockers: [
    { id: 'legal-review', title: 'Legal review done', owner: 'web-lead', phase: 'go-live' },
    { id: 'build-frozen', title: 'Build frozen', owner: 'mobile-lead', phase: 'go-live' },
  ],
  gates: [{ id: 'smoke', title: 'Smoke suite', owner: 'release-captain' }],
  permissions: {
    'role.assign': ['launch-coordinator'],
    'blocker.add': ['launch-coordinator'],
    'blocker.clear': ['$owner', 'launch-coordinator'],
    'blocker.reopen': ['$owner', 'launch-coordinator'],
    'gate.set': ['$owner'],
    'target.publish': ['release-captain'],
    'target.approve': ['launch-coordinator'],
    decide: ['launch-coordinator'],
    phase: ['launch-coordinator'],
    window: ['launch-coordinator'],
  },
  reminders: {
    signoffAfterHours: 12,
    blockerStaleHours: 24,
    windowLeadHours: [48, 2],
    digestHour: 8,
    zone: 'Europe/Berlin',
  },
});

export const launchCutover = () => Cutover.parse(launchProgram());

/** Writes the program to `dir` and answers its path. */
export async function writeLaunchProgram(dir: string): Promise<string> {
  const path = join(dir, 'app-launch.json');
  await writeFile(path, JSON.stringify(launchProgram(), null, 2));
  return path;
}
