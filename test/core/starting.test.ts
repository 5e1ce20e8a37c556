/**
 * Starting a program (core/starting.ts): one active program per channel, and who may start a program. Pure: the
 * programs, Slack's answers about user groups and `now` are passed in.
 */
import { describe, expect, it } from 'vitest';
import { channelFree, type GroupMembers, mayStartProgram } from '../../src/core/starting.js';
import { at, T0 } from './fixtures.js';

const CHANNEL = 'C0CUTOVER1';
const ARCHIVED = { by: 'U0ADMIN001', at: T0.toISOString() };

describe('one active program per channel', () => {
  it('a channel with no program hosts a new one', () => {
    expect(channelFree(CHANNEL, [{ id: 'elsewhere', title: 'Elsewhere', channel: 'C0OTHER01' }])).toEqual({
      ok: true,
    });
  });

  it('a channel whose program is not archived hosts no second one, and the refusal names that program', () => {
    const r = channelFree(CHANNEL, [
      { id: 'service-v3', title: 'service.v3 runtime cutover', channel: CHANNEL },
    ]);
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'refused',
        field: 'channel',
        message:
          'This channel already runs service.v3 runtime cutover (service-v3): archive it first, or start the new program in another channel.',
        channelHeldBy: { program: 'service-v3', title: 'service.v3 runtime cutover' },
      },
    });
  });

  it('a channel whose program is archived may host a new one', () => {
    expect(channelFree(CHANNEL, [{ id: 'old', title: 'Old', channel: CHANNEL, archived: ARCHIVED }]).ok).toBe(
      true,
    );
  });

  it('a program another replica started a moment ago holds the channel, though its title is not known here', () => {
    const r = channelFree(CHANNEL, [
      { id: 'old', title: 'Old', channel: CHANNEL, archived: ARCHIVED },
      { id: 'fresh', channel: CHANNEL },
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toContain('another program (fresh), started a moment ago');
    expect(r.error.channelHeldBy).toEqual({ program: 'fresh' });
  });
});

describe('who may start a program: the admins and the program creators, a creator group by Slack’s fresh word', () => {
  const STARTERS = { admins: ['U0ADMIN001'], creators: ['U0CREATOR1', 'S0CREATORS'] };
  const none: GroupMembers = () => undefined;
  const listed =
    (members: string[], asked: Date): GroupMembers =>
    (g) =>
      g === 'S0CREATORS' ? { members, at: asked.toISOString() } : undefined;

  it('an admin may start a program', () => {
    expect(mayStartProgram('U0ADMIN001', STARTERS, none, T0)).toEqual({ ok: true });
  });

  it('a creator named by id may start a program', () => {
    expect(mayStartProgram('U0CREATOR1', STARTERS, none, T0)).toEqual({ ok: true });
  });

  it('a member of a creator group may start one while Slack listed them within five minutes', () => {
    expect(mayStartProgram('U0MEMBER01', STARTERS, listed(['U0MEMBER01'], T0), at(4))).toEqual({ ok: true });
  });

  it('a creator group Slack has not listed, or listed too long ago, must be asked first', () => {
    expect(mayStartProgram('U0MEMBER01', STARTERS, none, T0)).toEqual({ ok: 'ask', groups: ['S0CREATORS'] });
    expect(mayStartProgram('U0MEMBER01', STARTERS, listed(['U0MEMBER01'], T0), at(6))).toEqual({
      ok: 'ask',
      groups: ['S0CREATORS'],
    });
  });

  it('once asked, a group Slack would not list counts as not holding the person', () => {
    const r = mayStartProgram('U0MEMBER01', STARTERS, none, T0, 'refuse');
    expect(r.ok).toBe(false);
  });

  it('anyone else is refused, and the refusal names who may, as data', () => {
    const r = mayStartProgram('U0NOBODY01', STARTERS, listed(['U0MEMBER01'], T0), T0);
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'forbidden',
        message:
          "Only the bot's admins and program creators start programs (U0ADMIN001, U0CREATOR1, S0CREATORS); the bot's operator adds people to CUTOVER_CREATORS.",
        mayStart: {
          who: ['U0ADMIN001', 'U0CREATOR1', 'S0CREATORS'],
          sentence:
            "Only the bot's admins and program creators start programs{who}; the bot's operator adds people to CUTOVER_CREATORS.",
        },
      },
    });
  });

  it('with no admins and no creators configured, nobody may start a program, and nobody is named', () => {
    const r = mayStartProgram('U0ADMIN001', { admins: [], creators: [] }, none, T0);
    expect(r.ok).toBe(false);
    if (r.ok !== false) return;
    expect(r.error.message).toBe(
      "Only the bot's admins and program creators start programs; the bot's operator adds people to CUTOVER_CREATORS.",
    );
  });
});
