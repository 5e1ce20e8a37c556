/**
 * `/cutover …` text → what the person asked for. Only the grammar lives here (which words, how many, which word is
 * a date, a time or a zone); the values (SHA, URL, instants, ids) are checked by the core's Command schema, the same
 * for Slack and CI. The kinds with no core command behind them (`new`) check their ids here, against the core's `Id`.
 */
import { nearest } from '../core/errors.js';
import { type CommandInput, Id, REMINDER_RANGES } from '../core/schema.js';
import { canonicalZone, isZone, readWindow, type WindowContext } from '../core/time.js';
import { holderOf, plainText, wholeNumber, wholeRange } from './typed-text.js';

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
  { name: 'list', usage: '/cutover list', summary: 'the programs this bot holds' },
  {
    name: 'new',
    usage: '/cutover new [<program-id> from <template-or-program-id>]',
    summary: 'start a new program: alone opens a form; with ids, copies a template or program',
  },
  {
    name: 'shape',
    usage: '/cutover shape',
    summary: 'open the form that shapes this program: gates, evidence, blockers, role titles, reminders',
  },
  { name: 'roles', usage: '/cutover roles', summary: 'who holds each role' },
  {
    name: 'role',
    usage: '/cutover role <role-id> @person|@group|none | role title <role-id> <title…>',
    summary: 'assign or clear a role (admins), or retitle it; `title` is a reserved word',
  },
  {
    name: 'blocker',
    usage:
      '/cutover blocker add <owner-role> <title…> | clear <id> [evidence-url] | reopen <id> <reason…> | rename <id> <title…> | remove <id>',
    summary: 'add, clear, reopen, rename or remove a manual blocker; `/cutover blocker` alone opens a form',
  },
  {
    name: 'gate',
    usage:
      '/cutover gate <gate-id> green|red|pending [evidence-url] | gate add <gate-id> <owner-role> <title…> | gate rename <gate-id> <title…> | gate remove <gate-id>',
    summary:
      "record a gate result for the current target's commit (the App Home form says which), or add, rename or remove a gate; `add`, `rename`, `remove` are reserved words",
  },
  {
    name: 'target',
    usage: '/cutover target <tag> <commit-sha> | target approve <tag|sha>',
    summary: 'publish the release target (full 40-hex SHA), or approve it by naming it',
  },
  {
    name: 'evidence',
    usage:
      '/cutover evidence <evidence-id> <url> | evidence add <evidence-id> <side> <title…> | evidence rename <evidence-id> <title…> | evidence remove <evidence-id>',
    summary:
      'log evidence against the current target, or add (for a side), rename or remove an evidence item; `add`, `rename`, `remove` are reserved words',
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
    usage:
      '/cutover window <date>|today|tomorrow <time>[-<time>] <zone> [<date>] [<time>] [<zone>] | window <start> <end> | window clear | window notes <text…>|clear',
    summary:
      "set the cutover window, e.g. `2026-12-01 09:00 Europe/Berlin 11:00`, `tomorrow 09:00-11:00 CET` (today/tomorrow in your Slack time zone; CET, EST, PST… read as a zone and said back; the end's date and zone default to the start's), or two ISO 8601 instants with an offset or [zone]; `clear` removes it; `notes` are the window's notes in the record",
  },
  {
    name: 'scope',
    usage: '/cutover scope <text…> | scope clear',
    summary: "the record's Scope line: what this cutover covers (the decision-log owner)",
  },
  {
    name: 'position',
    usage: '/cutover position <side-id> <text…> | position <side-id> clear',
    summary: "a side's stated position, for the record (that side's incident commander)",
  },
  {
    name: 'reminders',
    usage:
      '/cutover reminders [signoff <hours>h] [stale <hours>h] [lead <hours>h,…] [digest <HH>:00] [quiet <HH>-<HH>|off] [zone <Area/City>]',
    summary:
      'change when people are nudged: a missing sign-off, a stale blocker, the window ahead, the daily digest, quiet hours, their zone; hours are whole, 1 to 720; only what you name changes',
  },
  {
    name: 'history',
    usage: '/cutover history [n] [page <p>]',
    summary: 'the last n changes, newest first (default 10, at most 100); `page 2` shows the n before them',
  },
  {
    name: 'record',
    usage: '/cutover record',
    summary: 'post the decision record to the channel as a Markdown file (`npm run record` makes it offline)',
  },
  {
    name: 'token',
    usage: '/cutover token create <name> [side-id] | token list | token revoke <name>',
    summary:
      "CI tokens for this program's pipelines (the decision-log owner or an admin): made for the whole program or one side, shown once, listed, revoked",
  },
  {
    name: 'archive',
    usage: '/cutover archive [reason…]',
    summary: 'archive the program once its last phase is closed (an admin may earlier, giving the reason)',
  },
];

/**
 * The confirmation a change takes at its end, after the word `confirm:`, when it would take the GO from under a
 * running phase (the core refuses it without; README "Rules"). Everything after `confirm:` is the reason.
 */
export const CONFIRM: Usage = {
  name: 'confirm:',
  usage: '/cutover <change…> confirm: <reason…>',
  summary:
    'go ahead with a change that takes the GO from a running phase (the bot says when one would): the reason is recorded',
};
const CONFIRM_WORD = 'confirm:';

export type Parsed =
  | { kind: 'help' }
  | { kind: 'status' }
  | { kind: 'roles' }
  | { kind: 'list' }
  | { kind: 'new-form' }
  | { kind: 'new'; id: string; from: string }
  | { kind: 'shape-form' }
  /** The `limit` newest changes of page `page` (page 1: the newest; page 2: the `limit` before them). */
  | { kind: 'history'; limit: number; page: number }
  | { kind: 'signoff' }
  | { kind: 'record' }
  | { kind: 'blocker-form' }
  | { kind: 'token'; action: 'create'; name: string; side?: string }
  | { kind: 'token'; action: 'list' }
  | { kind: 'token'; action: 'revoke'; name: string }
  /** `read`: how words were read that the person did not spell out (`CET as Europe/Paris`), said back. */
  | {
      kind: 'change';
      command: CommandInput;
      usage: string;
      read?: string[];
      /** A window typed with `today` or `tomorrow`: the person's zone decides the day. */
      relativeDay?: true;
    }
  | { kind: 'error'; message: string; usage: string };

export const usageOf = (name: string) => USAGES.find((u) => u.name === name)?.usage ?? '/cutover help';

/**
 * The usage of one form of a subcommand, the one starting with `verb` (`/cutover gate add <gate-id> …` of gate's
 * four), so an error shows only what it is about; the whole usage when no form starts with it.
 */
export function usageFor(name: string, verb: string): string {
  const whole = usageOf(name);
  const forms = whole.split(' | ').map((f) => {
    if (f.startsWith('/cutover ')) return f;
    return f.startsWith(`${name} `) ? `/cutover ${f}` : `/cutover ${name} ${f}`;
  });
  return (
    forms.find((f) => f.startsWith(`/cutover ${name} ${verb} `) || f === `/cutover ${name} ${verb}`) ?? whole
  );
}

const lower = (s: string | undefined) => (s ?? '').toLowerCase();

/** " Did you mean `x`?" when `typed` is a slip of one of `words`, else nothing. */
const guess = (typed: string, words: readonly string[], say: (w: string) => string = (w) => w) => {
  const near = nearest(lower(typed), words);
  return near ? ` Did you mean \`${say(near)}\`?` : '';
};

/** Words a person types as a verb; never read as an id in that place. */
const SHAPE_VERBS = ['add', 'rename', 'remove'] as const;
const BLOCKER_VERBS = ['add', 'clear', 'reopen', 'rename', 'remove'] as const;
const GATE_STATUSES = ['green', 'red', 'pending'] as const;

/** Whole hours as typed, within the reminders' range: `24h`, `24` or `2d` (`wholeNumber` reads the digits). */
function hoursOf(word: string | undefined): number | undefined {
  const m = /^(\d+)\s*(h|hours?|d|days?)?$/i.exec(word ?? '');
  if (!m) return undefined;
  const days = /^d/i.test(m[2] ?? '');
  const n = wholeNumber(m[1], { min: 0, max: REMINDER_RANGES.hours.max });
  const h = n === undefined ? undefined : days ? n * 24 : n;
  return h !== undefined && h >= REMINDER_RANGES.hours.min && h <= REMINDER_RANGES.hours.max ? h : undefined;
}

/** An hour of the day: `9`, `09`, `9:00` or `09:00`. */
function hourOf(word: string | undefined): number | undefined {
  const m = /^(\d{1,2})(?::00)?$/.exec(word ?? '');
  return m ? wholeNumber(m[1], REMINDER_RANGES.hour) : undefined;
}

/** What `hoursOf` accepts, for a refusal. */
const HOURS_RANGE = wholeRange(REMINDER_RANGES.hours, 'hours');

type Reminders = Extract<CommandInput, { type: 'reminders.set' }>['reminders'];

/** `signoff 24h stale 48h lead 24h,1h digest 09:00 quiet 22-07 zone Europe/Berlin`: each key once, any order. */
function readReminders(args: string[]): { ok: true; reminders: Reminders } | { ok: false; message: string } {
  const KEYS = ['signoff', 'stale', 'lead', 'digest', 'quiet', 'zone'];
  const r: Reminders = {};
  const seen = new Set<string>();
  const bad = (message: string) => ({ ok: false as const, message });
  if (!args.length)
    return bad('Say what to change, e.g. `/cutover reminders signoff 24h stale 48h digest 09:00`.');
  for (let i = 0; i < args.length; i += 2) {
    const key = lower(args[i]);
    const value = args[i + 1];
    if (!KEYS.includes(key))
      return bad(
        `\`${plainText(args[i] ?? '')}\` is not a reminder: use signoff, stale, lead, digest, quiet or zone.${guess(key, KEYS)}`,
      );
    if (seen.has(key)) return bad(`\`${key}\` is given twice: give it once.`);
    seen.add(key);
    if (value === undefined) return bad(`Give a value after \`${key}\`.`);
    const v = plainText(value);
    switch (key) {
      case 'signoff':
      case 'stale': {
        const h = hoursOf(v);
        if (h === undefined)
          return bad(
            `\`${v}\` is not a number of hours for \`${key}\`: give ${HOURS_RANGE}, written as 24h (or 2d).`,
          );
        if (key === 'signoff') r.signoffAfterHours = h;
        else r.blockerStaleHours = h;
        break;
      }
      case 'lead': {
        const hs = v.split(',').map(hoursOf);
        if (hs.some((h) => h === undefined))
          return bad(
            `\`${v}\` is not a list of hours for \`lead\`: give each as ${HOURS_RANGE}, such as 24h,1h.`,
          );
        if (hs.length > REMINDER_RANGES.leads)
          return bad(
            `\`${v}\` has more than ${REMINDER_RANGES.leads} hours for \`lead\`: give at most ${REMINDER_RANGES.leads}.`,
          );
        r.windowLeadHours = hs as number[];
        break;
      }
      case 'digest': {
        const h = hourOf(v);
        if (h === undefined)
          return bad(`\`${v}\` is not an hour for \`digest\`: the digest goes out on the hour, e.g. 09:00.`);
        r.digestHour = h;
        break;
      }
      case 'quiet': {
        if (['off', 'none'].includes(lower(v))) {
          r.quietHours = null;
          break;
        }
        const [a, b, extra] = v.split('-');
        const from = hourOf(a);
        const to = hourOf(b);
        if (from === undefined || to === undefined || extra !== undefined)
          return bad(
            `\`${v}\` is not a span of hours for \`quiet\`: write it as 22-07 (or 22:00-07:00), or off.`,
          );
        r.quietHours = { from, to };
        break;
      }
      case 'zone': {
        if (!isZone(v) || !(v.includes('/') || v.toUpperCase() === 'UTC'))
          return bad(`\`${v}\` is not a time zone: use one such as Europe/Berlin, or UTC.`);
        r.zone = canonicalZone(v);
        break;
      }
    }
  }
  return { ok: true, reminders: r };
}

/** A program id as the core's `Id` reads it, lower-cased; or what to type instead. */
function programId(word: string, what: string): { ok: true; id: string } | { ok: false; message: string } {
  const id = lower(plainText(word));
  const r = Id.safeParse(id);
  if (r.success) return { ok: true, id };
  return {
    ok: false,
    message: `\`${plainText(word)}\` is not a ${what}: ${r.error.issues[0]?.message ?? 'see /cutover help'}, e.g. \`service-v4\`.`,
  };
}

export function parseCommand(text: string, context: WindowContext = {}): Parsed {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const confirmAt = words.findIndex((w, i) => i > 0 && lower(w) === CONFIRM_WORD);
  if (confirmAt > 0) {
    const inner = parseCommand(words.slice(0, confirmAt).join(' '), context);
    const reason = plainText(words.slice(confirmAt + 1).join(' '));
    if (inner.kind === 'error') return inner;
    if (inner.kind !== 'change')
      return {
        kind: 'error',
        message: '`confirm:` goes at the end of a change (a target, a gate result…), to go ahead with it.',
        usage: CONFIRM.usage,
      };
    if (!reason)
      return {
        kind: 'error',
        message:
          'Give the reason after `confirm:`: why go ahead, although it takes the running cutover’s GO.',
        usage: CONFIRM.usage,
      };
    return { ...inner, command: { ...inner.command, confirm: { reason } } };
  }
  const [sub = 'help', ...args] = words;
  const name = lower(sub);
  const usage = usageOf(name);
  const rest = (from: number) => plainText(args.slice(from).join(' '));
  const change = (command: CommandInput, verb?: string): Parsed => ({
    kind: 'change',
    command,
    usage: verb === undefined ? usage : usageFor(name, verb),
  });
  const error = (message: string, verb?: string): Parsed => ({
    kind: 'error',
    message,
    usage: verb === undefined ? usage : usageFor(name, verb),
  });
  const entry = USAGES.find((u) => u.name === name);
  if (!entry) {
    const names = USAGES.map((u) => u.name);
    // A subcommand typed as two words (`sign off`, `road map`), or a slip of one.
    const joined = lower(`${sub}${args[0] ?? ''}`).replace(/[-_]/g, '');
    const two = args[0] && (names.includes(joined) ? joined : nearest(joined, names));
    const near = two ?? nearest(name.replace(/[-_]/g, ''), names) ?? nearest(name, names);
    return {
      kind: 'error',
      message: `There is no \`/cutover ${plainText(two ? `${sub} ${args[0]}` : sub)}\` subcommand.${near ? ` Did you mean \`/cutover ${near}\`?` : ''}`,
      usage: near ? usageOf(near) : '/cutover help lists them all',
    };
  }

  switch (name) {
    case 'help':
    case 'status':
    case 'roles':
    case 'list':
    case 'signoff':
    case 'record':
      return args.length ? error(`\`/cutover ${name}\` takes no arguments.`) : { kind: name };
    case 'shape':
      return args.length
        ? error(
            '`/cutover shape` alone opens the form; to change one thing, type it, e.g. `/cutover gate add <gate-id> <owner-role> <title…>`.',
          )
        : { kind: 'shape-form' };
    case 'new': {
      if (args.length === 0) return { kind: 'new-form' };
      if (args.length !== 3 || lower(args[1]) !== 'from')
        return error(
          `Name the new program and what it starts from: \`/cutover new ${args[0] ? lower(plainText(args[0])) : '<program-id>'} from <template-or-program-id>\`, or \`/cutover new\` alone for the form.`,
        );
      const id = programId(args[0] ?? '', 'program id');
      if (!id.ok) return error(id.message);
      const from = programId(args[2] ?? '', 'template or program id');
      if (!from.ok) return error(from.message);
      if (id.id === from.id)
        return error(`A new program needs its own id: \`${id.id}\` is the one it would start from.`);
      return { kind: 'new', id: id.id, from: from.id };
    }
    case 'history':
      return readHistory(args, error);
    case 'role': {
      // `title` is reserved: `/cutover role title <role-id> <title…>` retitles, never assigns a role named title.
      if (lower(args[0]) === 'title') {
        if (args.length < 3) return error('Give the role id and its new title.', 'title');
        return change({ type: 'role.retitle', role: lower(args[1]), title: rest(2) }, 'title');
      }
      if (args.length !== 2)
        return error('Give a role id and a person (or `none`), or `title <role-id> <title…>`.');
      const who = lower(args[1]) === 'none' ? null : holderOf(args[1] ?? '');
      if (who === undefined)
        return error('Name the person or the user group with an @mention, or `none` to clear the role.');
      return change({ type: 'role.assign', role: lower(args[0]), user: who });
    }
    case 'blocker': {
      const verb = lower(args[0]);
      if (args.length === 0) return { kind: 'blocker-form' };
      if (verb === 'add') {
        if (args.length < 3) return error('Give the owner role and a title.', 'add');
        return change({ type: 'blocker.add', owner: lower(args[1]), title: rest(2) }, 'add');
      }
      if (verb === 'clear') {
        if (args.length < 2 || args.length > 3)
          return error('Give the blocker id, and optionally an evidence link.', 'clear');
        const url = args[2] ? plainText(args[2]) : undefined;
        return change(
          {
            type: 'blocker.clear',
            blocker: lower(args[1]),
            ...(url ? { evidenceUrl: url } : {}),
          },
          'clear',
        );
      }
      if (verb === 'reopen') {
        if (args.length < 3) return error('Give the blocker id and the reason it is open again.', 'reopen');
        return change({ type: 'blocker.reopen', blocker: lower(args[1]), reason: rest(2) }, 'reopen');
      }
      if (verb === 'rename') {
        if (args.length < 3) return error('Give the blocker id and its new title.', 'rename');
        return change({ type: 'blocker.rename', blocker: lower(args[1]), title: rest(2) }, 'rename');
      }
      if (verb === 'remove') {
        if (args.length !== 2)
          return error('Give the id of the blocker to remove, and nothing more.', 'remove');
        return change({ type: 'blocker.remove', blocker: lower(args[1]) }, 'remove');
      }
      return error(
        `\`${plainText(args[0] ?? '')}\` is not a blocker action: use add, clear, reopen, rename or remove.${guess(verb, BLOCKER_VERBS)}`,
      );
    }
    case 'gate': {
      // `add`, `rename`, `remove` are reserved: never read as a gate id (as `approve` is never a tag).
      const verb = lower(args[0]);
      if (verb === 'add') {
        if (args.length < 4)
          return error('Give the new gate id, the role that owns it, and its title.', 'add');
        const id = lower(args[1]);
        if ((SHAPE_VERBS as readonly string[]).includes(id))
          return error(`\`${id}\` is a reserved word, not a gate id: give the gate another id.`, 'add');
        return change({ type: 'gate.add', gate: id, owner: lower(args[2]), title: rest(3) }, 'add');
      }
      if (verb === 'rename') {
        if (args.length < 3) return error('Give the gate id and its new title.', 'rename');
        return change({ type: 'gate.rename', gate: lower(args[1]), title: rest(2) }, 'rename');
      }
      if (verb === 'remove') {
        if (args.length !== 2) return error('Give the id of the gate to remove, and nothing more.', 'remove');
        return change({ type: 'gate.remove', gate: lower(args[1]) }, 'remove');
      }
      if (args.length < 2 || args.length > 3)
        return error(
          'Give the gate id, a status, and optionally an evidence link; or `add`, `rename` or `remove`.',
        );
      const status = lower(args[1]);
      if (!(GATE_STATUSES as readonly string[]).includes(status))
        return error(
          `\`${plainText(args[1] ?? '')}\` is not a gate status: use green, red or pending.${guess(status, GATE_STATUSES)}`,
          '<gate-id>',
        );
      const url = args[2] ? plainText(args[2]) : undefined;
      return change(
        {
          type: 'gate.set',
          gate: lower(args[0]),
          status: status as 'green' | 'red' | 'pending',
          ...(url ? { evidenceUrl: url } : {}),
        },
        '<gate-id>',
      );
    }
    case 'target': {
      // `approve` is reserved: `/cutover target approve <sha>` is never read as publishing a tag named approve.
      if (lower(args[0]) === 'approve') {
        if (args.length !== 2)
          return error(
            'Name the target you approve: `/cutover target approve <tag>` (or its SHA); `/cutover status` shows it.',
            'approve',
          );
        return change({ type: 'target.approve', target: plainText(args[1] ?? '') }, 'approve');
      }
      if (args.length !== 2)
        return error('Give the release tag and the full commit SHA, or `approve <tag>`.', '<tag>');
      return change(
        { type: 'target.publish', tag: plainText(args[0] ?? ''), sha: plainText(args[1] ?? '') },
        '<tag>',
      );
    }
    case 'evidence': {
      // `add`, `rename`, `remove` are reserved: never read as an evidence id.
      const verb = lower(args[0]);
      if (verb === 'add') {
        if (args.length < 4)
          return error('Give the new evidence id, the side it is for, and its title.', 'add');
        const id = lower(args[1]);
        if ((SHAPE_VERBS as readonly string[]).includes(id))
          return error(
            `\`${id}\` is a reserved word, not an evidence id: give the evidence another id.`,
            'add',
          );
        return change({ type: 'evidence.add', evidence: id, side: lower(args[2]), title: rest(3) }, 'add');
      }
      if (verb === 'rename') {
        if (args.length < 3) return error('Give the evidence id and its new title.', 'rename');
        return change({ type: 'evidence.rename', evidence: lower(args[1]), title: rest(2) }, 'rename');
      }
      if (verb === 'remove') {
        if (args.length !== 2)
          return error('Give the id of the evidence to remove, and nothing more.', 'remove');
        return change({ type: 'evidence.remove', evidence: lower(args[1]) }, 'remove');
      }
      if (args.length !== 2)
        return error('Give the evidence id and one link; or `add`, `rename` or `remove`.');
      return change(
        { type: 'evidence.log', evidence: lower(args[0]), url: plainText(args[1] ?? '') },
        '<evidence-id>',
      );
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
        return error(
          `Give the phase id and start or close.${args.length === 2 ? guess(action, ['start', 'close']) : ''}`,
        );
      return change({ type: 'phase', phase: lower(args[0]), action });
    }
    case 'scope':
      if (args.length === 0) return error('Give the scope, or `clear`.');
      return change({
        type: 'scope.set',
        text: args.length === 1 && lower(args[0]) === 'clear' ? null : rest(0),
      });
    case 'position': {
      if (args.length < 2) return error("Give the side's id and its position, or `clear`.");
      const text = args.length === 2 && lower(args[1]) === 'clear' ? null : rest(1);
      return change({ type: 'position.set', side: lower(args[0]), text });
    }
    case 'window': {
      if (lower(args[0]) === 'notes') {
        if (args.length === 1) return error('Give the window notes, or `clear`.');
        const clear = args.length === 2 && lower(args[1]) === 'clear';
        return change({ type: 'window.notes', text: clear ? null : rest(1) });
      }
      if (lower(args[0]) === 'clear')
        return args.length === 1
          ? change({ type: 'window.clear' })
          : error('`/cutover window clear` takes nothing more.');
      const w = readWindow(args.map(plainText), context);
      if (!w.ok) return error(`${w.reason.charAt(0).toUpperCase()}${w.reason.slice(1)}.`);
      const set = change({ type: 'window', ...w.window });
      if (set.kind !== 'change') return set;
      return {
        ...set,
        ...(w.read ? { read: w.read } : {}),
        ...(w.relativeDay ? { relativeDay: w.relativeDay } : {}),
      };
    }
    case 'reminders': {
      const r = readReminders(args);
      return r.ok ? change({ type: 'reminders.set', reminders: r.reminders }) : error(r.message);
    }
    case 'archive':
      return change({ type: 'archive', ...(args.length ? { reason: rest(0) } : {}) });
    case 'token': {
      const verb = lower(args[0]);
      if (verb === 'list')
        return args.length === 1
          ? { kind: 'token', action: 'list' }
          : error('`token list` takes nothing more.');
      if (verb === 'create' && (args.length === 2 || args.length === 3)) {
        const side = args[2] === undefined ? undefined : lower(plainText(args[2]));
        return {
          kind: 'token',
          action: 'create',
          name: lower(plainText(args[1] ?? '')),
          ...(side ? { side } : {}),
        };
      }
      if (verb === 'revoke' && args.length === 2)
        return { kind: 'token', action: 'revoke', name: lower(plainText(args[1] ?? '')) };
      return error(
        "Write `token create <name> [side-id]` (the side limits it to that side's gates and evidence), `token list` or `token revoke <name>`.",
      );
    }
  }
  return error(`\`/cutover ${name}\` is not understood.`);
}

/** The largest page size; a page is also cut to fit one Slack message (see views/lists.ts). */
export const HISTORY_MAX = 100;

/** `history`, `history 20`, `history page 2`, `history 20 page 2`. */
function readHistory(args: string[], error: (message: string) => Parsed): Parsed {
  const whole = (s: string | undefined, max: number) => wholeNumber(s, { min: 1, max }) ?? Number.NaN;
  let i = 0;
  let limit = 10;
  let page = 1;
  if (args[i] !== undefined && lower(args[i]) !== 'page') {
    limit = whole(args[i], HISTORY_MAX);
    if (!(limit >= 1 && limit <= HISTORY_MAX)) return error(`n is a whole number from 1 to ${HISTORY_MAX}.`);
    i++;
  }
  if (args[i] !== undefined) {
    if (lower(args[i]) !== 'page')
      return error(`\`${plainText(args[i] ?? '')}\` is not understood here: write \`page <p>\` after n.`);
    page = whole(args[i + 1], 10_000);
    if (!(page >= 1 && page <= 10_000)) return error('The page is a whole number from 1 (the newest).');
    i += 2;
  }
  if (i < args.length) return error('After `history` give n, then `page <p>`, and nothing more.');
  return { kind: 'history', limit, page };
}
