/**
 * A role held by a Slack user group (an on-call rotation), through the real Bolt app: assigned as the group, shown
 * as the group's mention, its members asked of Slack once and kept, and any member signs off for the role.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { signOff } from '../alerts/helpers.js';
import { ADMIN, assignRoles, type Harness, PEOPLE, startHarness } from './harness.js';

const ONCALL = 'S0ONCALL1';
const ON_CALL = 'UONCALL01';
const SHA = '1f0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('a role held by a user group', () => {
  it('is shown as the group, and any of its members signs off for it', async () => {
    const w = await startHarness({ slack: { groups: { [ONCALL]: [ON_CALL] } } });
    h = w;
    await assignRoles(w);
    const assigned = await w.command(ADMIN, `role producer-incident-commander <!subteam^${ONCALL}|@oncall>`);
    expect(assigned.text).toContain(':white_check_mark:');
    await w.slack.waitFor('usergroups.users.list', (c) => c.args.usergroup === ONCALL);
    expect((await w.command(PEOPLE.logOwner, 'roles')).text).toContain(`<!subteam^${ONCALL}>`);

    await w.command(PEOPLE.producerRollback, `target service.v3.0 ${SHA}`);
    await w.command(PEOPLE.consumerRollback, 'target approve service.v3.0');
    // A member of the rotation may sign; the person who held the role before no longer may.
    const before = await w.command(PEOPLE.producerCommander, 'signoff');
    expect(before.text).toContain('no commander role');
    await signOff(w, ON_CALL, 'go', 'on call tonight');
    const s = w.program().cutover().signoffs.at(-1);
    expect(s).toMatchObject({ side: 'producer', by: ON_CALL, decision: 'go' });
  });
});
