/**
 * Starting a program: who may, and where. Two rules, each decided here once and rendered by every surface that
 * starts programs (`/cutover new`, its form, the service that writes the start):
 *
 * - One active program per channel: a channel whose program is not archived hosts no second one (an archived
 *   program keeps its channel in its record, and the channel may host a new one).
 * - Who may start a program: the bot's admins and its program creators (`CUTOVER_ADMINS`, `CUTOVER_CREATORS`),
 *   a creator being a person or a user group. A group counts only by Slack's word of the last five minutes
 *   (core/membership.ts); one whose members are not known now must be asked first, and one Slack would not list
 *   counts as not holding the person.
 *
 * Pure: the programs, the membership answers and `now` are passed in.
 */
import type { DomainError } from './errors.js';
import { membershipAuthorises } from './membership.js';
import { type Cutover, isGroup } from './schema.js';

/** A program as the channel rule reads it. */
export interface ProgramInChannel {
  id: string;
  /** Unknown for a program another replica started a moment ago, not opened here yet. */
  title?: string | undefined;
  channel?: string | undefined;
  /** Set once the program is archived (who, when, why). */
  archived?: Cutover['archived'];
}

type Verdict = { ok: true } | { ok: false; error: DomainError };

/** One active program per channel: refused, naming the program that holds the channel, while it is not archived. */
export function channelFree(channel: string, programs: readonly ProgramInChannel[]): Verdict {
  const here = programs.find((p) => p.channel === channel && !p.archived);
  if (!here) return { ok: true };
  const named = here.title
    ? `${here.title} (${here.id})`
    : `another program (${here.id}), started a moment ago`;
  return {
    ok: false,
    error: {
      code: 'refused',
      field: 'channel',
      message: `This channel already runs ${named}: archive it first, or start the new program in another channel.`,
      channelHeldBy: { program: here.id, ...(here.title ? { title: here.title } : {}) },
    },
  };
}

/** Who may start programs, as the bot's operator configured it: user ids, and for creators user groups too. */
export interface Starters {
  admins: readonly string[];
  creators: readonly string[];
}

/** What Slack last said of a user group's members, and when (ISO 8601); undefined when it was never asked. */
export type GroupMembers = (group: string) => { members: readonly string[]; at: string } | undefined;

export type StartVerdict =
  | Verdict
  /** The answer depends on creator groups whose members are not known now: ask Slack, then judge again. */
  | { ok: 'ask'; groups: string[] };

/**
 * Who may start a program. `unknown: 'ask'` (the default) answers `ask` while a creator group's members are not
 * known now; `unknown: 'refuse'`, once Slack was asked, counts such a group as not holding the person (a group
 * Slack would not list fails closed). The refusal names who may (`mayStart.who`: admins, then creators).
 */
export function mayStartProgram(
  userId: string,
  starters: Starters,
  membersOf: GroupMembers,
  now: Date,
  unknown: 'refuse',
): Verdict;
export function mayStartProgram(
  userId: string,
  starters: Starters,
  membersOf: GroupMembers,
  now: Date,
  unknown?: 'ask',
): StartVerdict;
export function mayStartProgram(
  userId: string,
  starters: Starters,
  membersOf: GroupMembers,
  now: Date,
  unknown: 'ask' | 'refuse' = 'ask',
): StartVerdict {
  if (starters.admins.includes(userId) || starters.creators.includes(userId)) return { ok: true };
  const groups = starters.creators.filter((x) => isGroup(x));
  const known = (g: string) => {
    const m = membersOf(g);
    return m !== undefined && membershipAuthorises(m.at, now) ? m : undefined;
  };
  if (groups.some((g) => known(g)?.members.includes(userId))) return { ok: true };
  const ask = groups.filter((g) => !known(g));
  if (ask.length && unknown === 'ask') return { ok: 'ask', groups: ask };
  const who = [...starters.admins, ...starters.creators];
  const sentence =
    "Only the bot's admins and program creators start programs{who}; the bot's operator adds people to CUTOVER_CREATORS.";
  return {
    ok: false,
    error: {
      code: 'forbidden',
      message: sentence.replace('{who}', who.length ? ` (${who.join(', ')})` : ''),
      mayStart: { who, sentence },
    },
  };
}
