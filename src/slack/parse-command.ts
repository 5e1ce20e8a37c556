/**
 * `/cutover …` text → what the person asked for. Only the grammar lives here (which words, how many);
 * the values (SHA, URL, time, ids) are checked by the core's Command schema, the same for Slack and CI.
 */
import type { CommandInput } from '../core/schema.js';
import { plainText, userIdOf } from './typed-text.js';

export interface Usage {
  name: string;
  usage: string;
  summary: string;
}

/** Every subcommand, in the order help lists them. */
export const USAGES: Usage[] = [
  { name: 'help', usage: '/cutover help', summary: 'this list' },
  {
    name: 'status',
    usage: '/cutover status',
    summary: 'decisions, phases, blockers, gates, sign-offs, target, window',
  },
  { name: 'roles', usage: '/cutover roles', summary: 'who holds each role' },
  { name: 'role', usage: '/cutover role <role-id> @person|none', summary: 'assign or clear a role (admins)' },
  {
    name: 'blocker',
    usage: '/cutover blocker add <owner-role> <title…> | clear <id> [evidence-url] | reopen <id> <reason…>',
    summary: 'add, clear or reopen a blocker; `/cutover blocker` alone opens a form',
  },
  {
    name: 'gate',
    usage: '/cutover gate <gate-id> green|red|pending [evidence-url]',
    summary: "record a gate result for the current target's commit (the App Home form says which)",
  },
  {
    name: 'target',
    usage: '/cutover target <tag> <commit-sha> | target approve <tag|sha>',
    summary: 'publish the release target (full 40-hex SHA), or approve it by naming it',
  },
  {
    name: 'evidence',
    usage: '/cutover evidence <evidence-id> <url>',
    summary: 'log evidence against the current target',
  },
  { name: 'signoff', usage: '/cutover signoff', summary: 'sign off GO / NO-GO for your side (opens a form)' },
  {
    name: 'decide',
    usage: '/cutover decide <decision-id> go|no-go <rationale…>',
    summary: 'record a decision',
  },
  { name: 'phase', usage: '/cutover phase <phase-id> start|close', summary: 'start or close a phase' },
  {
    name: 'window',
    usage: '/cutover window <start> <end>',
    summary:
      'set the cutover window: ISO 8601 with an offset or [zone], e.g. 2026-12-01T09:00[Europe/Berlin]',
  },
  {
    name: 'history',
    usage: '/cutover history [n]',
    summary: 'the last n changes, newest first (default 10)',
  },
  { name: 'list', usage: '/cutover list', summary: 'every program the bot holds, with its channel' },
  {
    name: 'new',
    usage: '/cutover new | new <program-id> from <template-or-program-id>',
    summary: 'start a program in this channel: a form, or in one line from a template or a copy of a program',
  },
  {
    name: 'archive',
    usage: '/cutover archive [reason…]',
    summary: 'finish the program: read-only, the final record posted (admins give a reason if unfinished)',
  },
  {
    name: 'record',
    usage: '/cutover record',
    summary: 'post the decision record to the channel as a Markdown file (`npm run record` makes it offline)',
  },
];

type Parsed =
  | { kind: 'help' }
  | { kind: 'status' }
  | { kind: 'roles' }
  | { kind: 'history'; limit: number }
  | { kind: 'signoff' }
  | { kind: 'record' }
  | { kind: 'blocker-form' }
  | { kind: 'list' }
  | { kind: 'new-form' }
  | { kind: 'new'; id: string; from: string }
  | { kind: 'change'; command: CommandInput; usage: string }
  | { kind: 'error'; message: string; usage: string };

const usageOf = (name: string) => USAGES.find((u) => u.name === name)?.usage ?? '/cutover help';

const lower = (s: string | undefined) => (s ?? '').toLowerCase();

export function parseCommand(text: string): Parsed {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [sub = 'help', ...args] = words;
  const name = lower(sub);
  const usage = usageOf(name);
  const rest = (from: number) => plainText(args.slice(from).join(' '));
  const change = (command: CommandInput): Parsed => ({ kind: 'change', command, usage });
  const error = (message: string): Parsed => ({ kind: 'error', message, usage });
  const entry = USAGES.find((u) => u.name === name);
  if (!entry)
    return {
      kind: 'error',
      message: `There is no \`/cutover ${plainText(sub)}\` subcommand.`,
      usage: '/cutover help lists them all',
    };

  switch (name) {
    case 'help':
    case 'status':
    case 'roles':
    case 'signoff':
    case 'record':
      return args.length ? error(`\`/cutover ${name}\` takes no arguments.`) : { kind: name };
    case 'list':
      return args.length ? error('`/cutover list` takes no arguments.') : { kind: 'list' };
    case 'new': {
      if (args.length === 0) return { kind: 'new-form' };
      if (args.length !== 3 || lower(args[1]) !== 'from')
        return error('Give the new program id and what to start it from: `new service-v4 from service-v3`.');
      return { kind: 'new', id: lower(args[0]), from: lower(args[2]) };
    }
    case 'archive':
      return change({ type: 'archive', ...(args.length ? { reason: rest(0) } : {}) });
    case 'history': {
      if (args.length === 0) return { kind: 'history', limit: 10 };
      const n = Number(args[0]);
      if (args.length > 1 || !Number.isInteger(n) || n < 1 || n > 100)
        return error('n is a whole number from 1 to 100.');
      return { kind: 'history', limit: n };
    }
    case 'role': {
      if (args.length !== 2) return error('Give a role id and a person (or `none`).');
      const who = lower(args[1]) === 'none' ? null : userIdOf(args[1] ?? '');
      if (who === undefined) return error('Name the person with an @mention, or `none` to clear the role.');
      return change({ type: 'role.assign', role: lower(args[0]), user: who });
    }
    case 'blocker': {
      const verb = lower(args[0]);
      if (args.length === 0) return { kind: 'blocker-form' };
      if (verb === 'add') {
        if (args.length < 3) return error('Give the owner role and a title.');
        return change({ type: 'blocker.add', owner: lower(args[1]), title: rest(2) });
      }
      if (verb === 'clear') {
        if (args.length < 2 || args.length > 3)
          return error('Give the blocker id, and optionally an evidence link.');
        const url = args[2] ? plainText(args[2]) : undefined;
        return change({
          type: 'blocker.clear',
          blocker: lower(args[1]),
          ...(url ? { evidenceUrl: url } : {}),
        });
      }
      if (verb === 'reopen') {
        if (args.length < 3) return error('Give the blocker id and the reason it is open again.');
        return change({ type: 'blocker.reopen', blocker: lower(args[1]), reason: rest(2) });
      }
      return error(`\`${plainText(args[0] ?? '')}\` is not a blocker action: use add, clear or reopen.`);
    }
    case 'gate': {
      if (args.length < 2 || args.length > 3)
        return error('Give the gate id, a status, and optionally an evidence link.');
      const status = lower(args[1]);
      if (!['green', 'red', 'pending'].includes(status))
        return error(`\`${plainText(args[1] ?? '')}\` is not a gate status: use green, red or pending.`);
      const url = args[2] ? plainText(args[2]) : undefined;
      return change({
        type: 'gate.set',
        gate: lower(args[0]),
        status: status as 'green' | 'red' | 'pending',
        ...(url ? { evidenceUrl: url } : {}),
      });
    }
    case 'target': {
      // `approve` is reserved: `/cutover target approve <sha>` is never read as publishing a tag named approve.
      if (lower(args[0]) === 'approve') {
        if (args.length !== 2)
          return error(
            'Name the target you approve: `/cutover target approve <tag>` (or its SHA); `/cutover status` shows it.',
          );
        return change({ type: 'target.approve', target: plainText(args[1] ?? '') });
      }
      if (args.length !== 2)
        return error('Give the release tag and the full commit SHA, or `approve <tag>`.');
      return change({ type: 'target.publish', tag: plainText(args[0] ?? ''), sha: plainText(args[1] ?? '') });
    }
    case 'evidence': {
      if (args.length !== 2) return error('Give the evidence id and one link.');
      return change({ type: 'evidence.log', evidence: lower(args[0]), url: plainText(args[1] ?? '') });
    }
    case 'decide': {
      if (args.length < 2) return error('Give the decision id, go or no-go, and the rationale.');
      const status = lower(args[1]).replace(/[_\s]/g, '-');
      const norm = status === 'nogo' ? 'no-go' : status;
      if (norm !== 'go' && norm !== 'no-go')
        return error(`\`${plainText(args[1] ?? '')}\` is not a decision: use go or no-go.`);
      if (args.length < 3) return error('Give the rationale after go or no-go.');
      return change({ type: 'decide', decision: lower(args[0]), status: norm, rationale: rest(2) });
    }
    case 'phase': {
      const action = lower(args[1]);
      if (args.length !== 2 || (action !== 'start' && action !== 'close'))
        return error('Give the phase id and start or close.');
      return change({ type: 'phase', phase: lower(args[0]), action });
    }
    case 'window': {
      if (args.length !== 2) return error('Give the start and the end, each one word in ISO 8601.');
      return change({ type: 'window', start: plainText(args[0] ?? ''), end: plainText(args[1] ?? '') });
    }
  }
  return error(`\`/cutover ${name}\` is not understood.`);
}
