/**
 * The shaping forms, submitted: one `registerFormSubmit` per form, each a row of the table below (how to read its
 * values into the command, and which block shows a fault of each command field). The rules are the core's.
 */
import { Command, REMINDER_RANGES } from '../../../core/schema.js';
import { isZone } from '../../../core/time.js';
import { INPUTS, SHAPE_VIEWS, type ShapeForm } from '../../ids.js';
import { wholeNumber, wholeRange } from '../../typed-text.js';
import { clip } from '../../views/text.js';
import type { ListenerDeps } from '../deps.js';
import type { Listeners } from '../router.js';
import { registerFormSubmit } from './form-submit.js';
import type { FormValues } from './view-input.js';

type Spec = Parameters<typeof registerFormSubmit>[2];
type Values = FormValues;
type Read = ReturnType<Spec['read']>;

const S = INPUTS.shape;

/** The first missing value, as a fault under its block; else the command `build` makes of them. */
function need(values: Values, asks: [block: string, message: string][], build: () => Read): Read {
  for (const [block, message] of asks) if (!values[block]) return { block, message };
  return build();
}

/** A form that names an item (`field`) and gives it a new title. */
const retitleSpec = (
  type: ShapeForm,
  field: string,
  what: string,
  choose: string,
): Omit<Spec, 'callbackId'> => ({
  what,
  inputs: [S.item, S.title],
  read: (v) =>
    need(
      v,
      [
        [S.item, choose],
        [S.title, 'Give the new title.'],
      ],
      () => ({ input: { type, [field]: v[S.item], title: v[S.title] } }),
    ),
  blockOf: { [field]: S.item, title: S.title },
  fallback: () => S.title,
});

/** A form that names an item (`field`) to remove. */
const removeSpec = (
  type: ShapeForm,
  field: string,
  what: string,
  choose: string,
): Omit<Spec, 'callbackId'> => ({
  what,
  inputs: [S.item],
  read: (v) => need(v, [[S.item, choose]], () => ({ input: { type, [field]: v[S.item] } })),
  blockOf: { [field]: S.item },
  fallback: () => S.item,
});

/** The reminders' fields, to the block that shows each and its name in a message. */
const REMINDER_BLOCKS: Record<string, [block: string, name: string]> = {
  signoffAfterHours: [S.signoffAfterHours, 'The sign-off nudge'],
  blockerStaleHours: [S.blockerStaleHours, 'The blocker nudge'],
  windowLeadHours: [S.windowLeadHours, 'The window notices'],
  digestHour: [S.digestHour, 'The digest hour'],
  quietHours: [S.quietTo, 'The quiet hours'],
  zone: [S.zone, 'The time zone'],
};

/** The reminders form's values as a `reminders.set`, each fault under its own field (the core's schema decides). */
function readReminders(v: Values): Read {
  const { hours, hour, leads } = REMINDER_RANGES;
  const reminders: Record<string, unknown> = {};
  // Each number read by the one parser; a fault names the field and the range.
  for (const [block, field, range, unit] of [
    [S.signoffAfterHours, 'signoffAfterHours', hours, 'hours'],
    [S.blockerStaleHours, 'blockerStaleHours', hours, 'hours'],
    [S.digestHour, 'digestHour', hour, ''],
  ] as const) {
    const typed = v[block];
    if (typed === undefined) continue;
    const n = wholeNumber(typed, range);
    if (n === undefined)
      return {
        block,
        message: `${REMINDER_BLOCKS[field]?.[1]} is ${wholeRange(range, unit)}: "${clip(typed, 20)}" is not.`,
      };
    reminders[field] = n;
  }
  const lead = (v[S.windowLeadHours] ?? '').split(/[\s,;]+/).filter(Boolean);
  if (lead.some((h) => wholeNumber(h, hours) === undefined))
    return {
      block: S.windowLeadHours,
      message: `Give each notice as ${wholeRange(hours, 'hours')}, separated by commas: 24, 1.`,
    };
  if (lead.length > leads)
    return { block: S.windowLeadHours, message: `Give at most ${leads} notices, such as 24, 1.` };
  reminders.windowLeadHours = lead.map(Number);
  const [from, to] = [v[S.quietFrom], v[S.quietTo]];
  if ((from === 'none') !== (to === 'none') || (from === undefined) !== (to === undefined))
    return { block: S.quietTo, message: 'Give both ends of the quiet hours, or none for both.' };
  if (from === 'none') reminders.quietHours = null;
  else if (from !== undefined && to !== undefined) {
    const [f, t] = [wholeNumber(from, hour), wholeNumber(to, hour)];
    if (f === undefined || t === undefined)
      return {
        block: f === undefined ? S.quietFrom : S.quietTo,
        message: `The quiet hours are each ${wholeRange(hour, 'the hour of the day')}, or none.`,
      };
    reminders.quietHours = { from: f, to: t };
  }
  const zone = v[S.zone];
  if (zone && !isZone(zone))
    return { block: S.zone, message: `"${zone}" is not a time zone: use one such as Europe/Berlin or UTC.` };
  if (zone) reminders.zone = zone;
  const input = { type: 'reminders.set', reminders };
  const parsed = Command.safeParse(input);
  const issue = parsed.success ? undefined : parsed.error.issues[0];
  if (issue) {
    const key = String(issue.path[1]);
    const [block, name] = (Object.hasOwn(REMINDER_BLOCKS, key) && REMINDER_BLOCKS[key]) || [
      S.signoffAfterHours,
      'The reminders',
    ];
    return { block, message: `${name}: ${issue.message}.` };
  }
  return { input };
}

const SPECS: Record<ShapeForm, Omit<Spec, 'callbackId'>> = {
  'gate.add': {
    what: 'new gate',
    inputs: [S.id, S.title, S.owner, S.perTarget],
    read: (v) =>
      need(
        v,
        [
          [S.id, 'Give the new gate an id, such as perf-suite.'],
          [S.title, 'Give the gate a title.'],
          [S.owner, 'Choose the role that sets the gate.'],
        ],
        () => ({
          input: {
            type: 'gate.add',
            gate: v[S.id],
            title: v[S.title],
            owner: v[S.owner],
            perTarget: v[S.perTarget] !== 'no',
          },
        }),
      ),
    blockOf: { gate: S.id, title: S.title, owner: S.owner, perTarget: S.perTarget },
    fallback: () => S.id,
  },
  'gate.rename': retitleSpec('gate.rename', 'gate', 'gate rename', 'Choose the gate.'),
  'gate.remove': removeSpec('gate.remove', 'gate', 'gate removal', 'Choose the gate to remove.'),
  'evidence.add': {
    what: 'new evidence',
    inputs: [S.id, S.title, S.side],
    read: (v) =>
      need(
        v,
        [
          [S.id, 'Give the new evidence item an id, such as perf-report.'],
          [S.title, 'Give the evidence item a title.'],
          [S.side, 'Choose the side that logs it.'],
        ],
        () => ({ input: { type: 'evidence.add', evidence: v[S.id], title: v[S.title], side: v[S.side] } }),
      ),
    blockOf: { evidence: S.id, title: S.title, side: S.side },
    fallback: () => S.id,
  },
  'evidence.rename': retitleSpec(
    'evidence.rename',
    'evidence',
    'evidence rename',
    'Choose the evidence item.',
  ),
  'evidence.remove': removeSpec(
    'evidence.remove',
    'evidence',
    'evidence removal',
    'Choose the evidence item to remove.',
  ),
  'blocker.add': {
    what: 'new blocker',
    inputs: [S.owner, S.title],
    read: (v) =>
      need(
        v,
        [
          [S.owner, 'Choose the role that clears the blocker.'],
          [S.title, 'Give the blocker a title.'],
        ],
        () => ({ input: { type: 'blocker.add', owner: v[S.owner], title: v[S.title] } }),
      ),
    blockOf: { owner: S.owner, title: S.title },
    fallback: () => S.title,
  },
  'blocker.rename': retitleSpec('blocker.rename', 'blocker', 'blocker rename', 'Choose the blocker.'),
  'blocker.remove': removeSpec(
    'blocker.remove',
    'blocker',
    'blocker removal',
    'Choose the blocker to remove.',
  ),
  'role.retitle': retitleSpec('role.retitle', 'role', 'role title', 'Choose the role.'),
  'reminders.set': {
    what: 'reminders',
    inputs: [
      S.signoffAfterHours,
      S.blockerStaleHours,
      S.windowLeadHours,
      S.digestHour,
      S.quietFrom,
      S.quietTo,
      S.zone,
    ],
    read: readReminders,
    blockOf: { reminders: S.signoffAfterHours },
    fallback: () => S.signoffAfterHours,
  },
};

export function registerShapeSubmit(app: Listeners, deps: ListenerDeps) {
  for (const form of Object.keys(SHAPE_VIEWS) as ShapeForm[])
    registerFormSubmit(app, deps, { callbackId: SHAPE_VIEWS[form], ...SPECS[form] });
}
