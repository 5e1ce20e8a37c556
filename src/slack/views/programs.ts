/**
 * The programs the bot holds, as people see them: `/cutover list`, and the "Start a program" form of
 * `/cutover new`. Pure: (programs, templates, viewer's channel) -> text or view.
 */
import type { types } from '@slack/bolt';
import { nextPhase } from '../../core/readiness.js';
import type { Cutover } from '../../core/schema.js';
import { goWord, utcStamp } from '../../format/words.js';
import { INPUT_ACTION, NEW_PROGRAM } from '../ids.js';
import { type Choice, choiceElement } from './select.js';
import { clip, esc, fold, plain } from './text.js';

type View = types.View;
type KnownBlock = types.KnownBlock;

/** A template the form offers: a shipped program file, or a copy of a program the bot holds. */
export interface TemplateChoice {
  /** The select's value: the file name, or `copy:<program-id>`. */
  value: string;
  label: string;
  program: Cutover;
}

/** The template select's options: each template and program by its label. */
export const templateOptions = (choices: readonly TemplateChoice[]): Choice[] =>
  choices.map((c) => ({ text: c.label, value: c.value }));

/** Where a program stands, in a line: its phase and its decisions. */
export function programLine(c: Cutover): string {
  const phase = c.phases.find((p) => p.status === 'started') ?? nextPhase(c);
  const where = c.archived
    ? `:file_cabinet: archived ${utcStamp(c.archived.at)}`
    : phase
      ? `phase ${esc(phase.id)} ${phase.status === 'started' ? 'started' : 'next'}`
      : 'every phase closed';
  const decisions = c.decisions.map((d) => `${esc(d.id)} *${goWord(d.status)}*`).join(', ');
  const channel = c.channel ? `<#${c.channel}>` : '_no channel_';
  return `• *${esc(clip(c.title, 150))}* \`${esc(c.id)}\` — ${channel} · ${where} · ${decisions || 'no decisions'}`;
}

/** `/cutover list`: every program, active first, then archived; ephemeral text within Slack's 40,000 characters. */
export function programListText(programs: readonly Cutover[]): string {
  if (programs.length === 0)
    return ':information_source: The bot holds no program yet. Start one in its channel with `/cutover new`.';
  const active = programs.filter((c) => !c.archived);
  const archived = programs.filter((c) => c.archived);
  const lines = [
    `*Programs* (${active.length} active${archived.length ? `, ${archived.length} archived` : ''})`,
    ...active.map(programLine),
    ...(archived.length ? ['*Archived*', ...archived.map(programLine)] : []),
  ];
  return fold(lines, 39_000, 1000);
}

/** One block's worth of the sides and roles a template lets the creator rename: ≤ 100 blocks in all. */
const MAX_FORM_BLOCKS = 100;

const textInput = (
  block: string,
  label: string,
  opts: { initial?: string; placeholder?: string; optional?: boolean; max?: number; hint?: string } = {},
): KnownBlock => ({
  type: 'input',
  block_id: block,
  ...(opts.optional ? { optional: true } : {}),
  label: plain(label),
  ...(opts.hint ? { hint: plain(opts.hint) } : {}),
  element: {
    type: 'plain_text_input',
    action_id: INPUT_ACTION,
    // Slack refuses an initial value longer than the field's max_length.
    ...(opts.initial ? { initial_value: clip(opts.initial, Math.min(150, opts.max ?? 150)) } : {}),
    ...(opts.placeholder ? { placeholder: plain(opts.placeholder) } : {}),
    ...(opts.max ? { max_length: opts.max } : {}),
  },
});

/**
 * The "Start a program" form, showing the chosen template's sides and roles to rename. The template select
 * dispatches its choice, so the form is updated for the sides and roles of another template.
 */
/**
 * A free program id like the template's, for the form's placeholder: its trailing number counted up
 * (`service-v3` -> `service-v4`, or the next one free), else `-2`, `-3`… appended. Never one of `taken`.
 */
export function suggestedId(from: string, taken: readonly string[]): string {
  const m = /^(.*?)(\d+)$/.exec(from);
  const stem = m ? (m[1] ?? '') : `${from}-`;
  for (let n = m ? Number(m[2]) + 1 : 2; ; n++) {
    const id = `${stem}${n}`;
    if (!taken.includes(id) && id !== from) return id;
  }
}

export function newProgramModal(
  choices: readonly TemplateChoice[],
  chosen: TemplateChoice,
  meta: { channel: string; taken?: readonly string[] },
): View {
  const t = chosen.program;
  const head: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: fold([
          `A new cutover program for <#${meta.channel}>, with the structure of *${esc(clip(chosen.label, 200))}*: its sides, roles, decisions, phases, blockers, gates and evidence. None of its live state is copied: roles start unassigned, decisions NO-GO.`,
        ]),
      },
    },
    {
      type: 'input',
      block_id: NEW_PROGRAM.inputs.template,
      dispatch_action: true,
      label: plain('Template'),
      // Past 100 templates and programs, an external_select: the options load as the person types.
      element: choiceElement(templateOptions(choices), chosen.value, NEW_PROGRAM.templateChosen),
    },
    textInput(NEW_PROGRAM.inputs.id, 'Program id', {
      placeholder: suggestedId(t.id, meta.taken ?? []),
      max: 64,
      hint: 'lower-case letters, digits, ".", "-" or "_"',
    }),
    textInput(NEW_PROGRAM.inputs.title, 'Title', { initial: t.title, max: 200 }),
    textInput(NEW_PROGRAM.inputs.release, 'Release', { initial: t.release, max: 100 }),
  ];
  const sides = t.sides.flatMap((s): KnownBlock[] => [
    textInput(`${NEW_PROGRAM.inputs.sidePrefix}${s.id}.name`, `Side ${s.id}: name`, {
      initial: s.name,
      max: 100,
    }),
    textInput(`${NEW_PROGRAM.inputs.sidePrefix}${s.id}.zone`, `Side ${s.id}: time zone`, {
      ...(s.zone ? { initial: s.zone } : {}),
      placeholder: 'Europe/Berlin',
      optional: true,
    }),
  ]);
  const roles = t.roles.map((r) =>
    textInput(`${NEW_PROGRAM.inputs.rolePrefix}${r.id}`, `Role ${r.id}: title`, {
      initial: r.title,
      max: 200,
    }),
  );
  const room = MAX_FORM_BLOCKS - head.length - 1;
  const shown = [...sides, ...roles].slice(0, room);
  const left = sides.length + roles.length - shown.length;
  return {
    type: 'modal',
    callback_id: NEW_PROGRAM.view,
    title: plain('Start a program'),
    submit: plain('Start'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify({ channel: meta.channel, template: chosen.value }),
    blocks: [
      ...head,
      ...shown,
      ...(left
        ? [
            {
              type: 'context' as const,
              elements: [
                {
                  type: 'mrkdwn' as const,
                  text: `${left} more sides and roles keep the template's names; retitle them later with \`/cutover role title\`.`,
                },
              ],
            },
          ]
        : []),
    ],
  };
}
