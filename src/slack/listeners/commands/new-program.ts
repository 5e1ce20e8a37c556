/**
 * Starting a program: `/cutover new <program-id> from <template-or-program-id>` in the channel it is for, or
 * `/cutover new` alone for the form (template, id, title, release, the sides' names and zones, role titles).
 *
 * What can be checked without Slack is checked before the ack (the template exists, the id is well formed and
 * free, the channel has no active program), and a form shows those faults inline. Then, after the ack: whether the
 * person may start programs (admins and CUTOVER_CREATORS, user groups asked of Slack) and whether the bot is in the
 * channel; then the program is written, and its channel gets the start alert and its status board. The person
 * hears the outcome (the typed line by its response_url, the form in itself, updated).
 */
import type { Logger, RespondFn, types, webApi } from '@slack/bolt';
import { z } from 'zod';
import { may } from '../../../core/authorize.js';
import { nearest } from '../../../core/errors.js';
import { type Cutover, Id } from '../../../core/schema.js';
import { channelFree } from '../../../core/starting.js';
import { isZone } from '../../../core/time.js';
import type { NewProgramRequest } from '../../../service/programs.js';
import { findTemplate } from '../../../service/templates.js';
import { NEW_PROGRAM } from '../../ids.js';
import { refusalSentence } from '../../views/answers.js';
import { newProgramModal, type TemplateChoice } from '../../views/programs.js';
import { esc, plain } from '../../views/text.js';
import { actorOf, type ListenerDeps } from '../deps.js';
import { openView } from '../open-view.js';
import type { Listeners } from '../router.js';
import { inlineErrors, readForm, readMetadata } from '../views/view-input.js';

type View = types.View;

/** Every template the form offers: the shipped files, then a copy of each program the bot holds. */
export function templateChoices(deps: ListenerDeps): TemplateChoice[] {
  return [
    ...deps.templates.map((t) => ({ value: t.name, label: t.label, program: t.program })),
    ...deps.programs.all().map((s) => {
      const c = s.cutover();
      return { value: `${NEW_PROGRAM.copyPrefix}${c.id}`, label: `Copy of ${c.id}`, program: c };
    }),
  ];
}

/** The ids of every program the bot holds (archived ones too): a new program's id must be none of them. */
const takenIds = (deps: ListenerDeps) => deps.programs.all().map((s) => s.cutover().id);

/** A template by what a person typed: a shipped file's name, its program's id, or a program the bot holds. */
function templateNamed(deps: ListenerDeps, name: string): TemplateChoice | undefined {
  const file = findTemplate(deps.templates, name);
  if (file) return { value: file.name, label: file.label, program: file.program };
  const held = deps.programs.get(name.startsWith(NEW_PROGRAM.copyPrefix) ? name.slice(5) : name);
  if (held) {
    const c = held.cutover();
    return { value: `${NEW_PROGRAM.copyPrefix}${c.id}`, label: `a copy of ${c.id}`, program: c };
  }
  return undefined;
}

/** The typed line's title and release: the template's, its release replaced by the new id. */
function namesFor(t: TemplateChoice, id: string) {
  const { title, release } = t.program;
  return { title: title.includes(release) ? title.replaceAll(release, id) : `${title} (${id})`, release: id };
}

/** The typed line's start request. */
const requestFor = (template: TemplateChoice, id: string, channel: string): NewProgramRequest => ({
  id,
  template: template.program,
  from: template.label,
  ...namesFor(template, id),
  channel,
});

/** What can be refused before the ack, naming the field at fault. */
function precheck(
  deps: ListenerDeps,
  id: string,
  channel: string,
): { field: 'id' | 'channel'; message: string } | undefined {
  const parsed = Id.safeParse(id);
  if (!parsed.success)
    return {
      field: 'id',
      message: `"${id}" is not a program id: ${parsed.error.issues[0]?.message ?? 'not valid'}.`,
    };
  if (deps.programs.get(id))
    return { field: 'id', message: `There is already a program "${id}": choose another id.` };
  const free = channelFree(
    channel,
    deps.programs.all().map((s) => s.cutover()),
  );
  if (!free.ok) return { field: 'channel', message: refusalSentence(free.error, undefined, (s) => s) };
  return undefined;
}

/**
 * The next step after a start, for the person who started it: assigning the roles, in their own words when they may
 * (the rules' `may`), else who may (the admins, mentioned).
 */
function rolesNext(deps: ListenerDeps, c: Cutover, userId: string): string {
  const list = '`/cutover roles` lists them';
  if (may(c, actorOf(deps, userId), 'role.assign'))
    return `Its roles are unassigned: assign them with \`/cutover role &lt;role-id&gt; @person\` (${list}).`;
  const admins = deps.admins.map((u) => `<@${u}>`);
  return `Its roles are unassigned: ${admins.length ? `an admin (${admins.join(', ')})` : "an admin (the bot's CUTOVER_ADMINS)"} assigns them; ask them to (${list}).`;
}

/** The checks that ask Slack, then the start. Answers what to tell the person (mrkdwn). */
async function checkAndStart(
  deps: ListenerDeps,
  userId: string,
  request: NewProgramRequest,
  requestKey: string,
  logger: Logger,
): Promise<{ ok: boolean; text: string }> {
  const { workspace } = deps;
  if (!workspace) throw new Error('starting a program needs deps.workspace (slack/workspace.ts)');
  const may = await workspace.mayCreate(userId);
  if (!may.ok) return { ok: false, text: `:no_entry: ${refusalSentence(may.error)}\n_Nothing was started._` };
  const inChannel = await workspace.botIn(request.channel);
  if (!inChannel.ok) return { ok: false, text: `:no_entry: ${inChannel.why}\n_Nothing was started._` };
  try {
    const made = await deps.programs.create(request, actorOf(deps, userId), deps.clock.now(), { requestKey });
    if (!made.ok) return { ok: false, text: `:no_entry: ${esc(made.message)}\n_Nothing was started._` };
    const c = made.service.cutover();
    return {
      ok: true,
      text: `:white_check_mark: ${esc(c.title)} (\`${esc(c.id)}\`) started in <#${request.channel}> from ${esc(request.from)}. ${rolesNext(deps, c, userId)}`,
    };
  } catch (e) {
    logger.error('a program could not be started', e);
    return {
      ok: false,
      text: `:warning: The program could not be saved (${esc((e as Error).message)}). Nothing was started; try again.`,
    };
  }
}

/** `/cutover new <program-id> from <template-or-program-id>`. */
export async function startTyped(
  deps: ListenerDeps,
  cmd: { user_id: string; channel_id: string; trigger_id: string },
  parsed: { id: string; from: string },
  io: {
    ack: (answer: { response_type: 'ephemeral'; text: string }) => Promise<void>;
    respond: RespondFn;
    logger: Logger;
  },
): Promise<void> {
  const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, text });
  const template = templateNamed(deps, parsed.from);
  if (!template) {
    // Each name once: a shipped template and the program started from it may share one.
    const names = [
      ...new Set([...deps.templates.map((t) => t.name), ...deps.programs.all().map((s) => s.cutover().id)]),
    ];
    const near = nearest(parsed.from, names);
    return io.ack(
      ephemeral(
        `:no_entry: There is no template or program "${esc(parsed.from)}".${near ? ` Did you mean \`${esc(near)}\`?` : ''} Start from one of: ${names.map((n) => `\`${esc(n)}\``).join(', ') || 'none'}.\n_Nothing was started._`,
      ),
    );
  }
  const fault = precheck(deps, parsed.id, cmd.channel_id);
  if (fault) return io.ack(ephemeral(`:no_entry: ${esc(fault.message)}\n_Nothing was started._`));
  // Who may start programs is known before the ack unless a creator group must be asked: never "Starting…" first.
  const known = deps.workspace?.mayCreateNow(cmd.user_id);
  if (known === false && deps.workspace) {
    const refusal = await deps.workspace.mayCreate(cmd.user_id);
    if (!refusal.ok)
      return io.ack(ephemeral(`:no_entry: ${refusalSentence(refusal.error)}\n_Nothing was started._`));
  }
  await io.ack(
    ephemeral(
      known
        ? `:hourglass_flowing_sand: Starting \`${esc(parsed.id)}\` from ${esc(template.label)}…`
        : `:hourglass_flowing_sand: Checking that you may start programs, then starting \`${esc(parsed.id)}\` from ${esc(template.label)}…`,
    ),
  );
  const outcome = await checkAndStart(
    deps,
    cmd.user_id,
    requestFor(template, parsed.id, cmd.channel_id),
    `slack:${cmd.trigger_id}`,
    io.logger,
  );
  await io
    .respond({ response_type: 'ephemeral', replace_original: true, text: outcome.text })
    .catch((e: Error) => io.logger.warn(`could not tell ${cmd.user_id}: ${e.message}`));
}

/** `/cutover new` alone: the form, for the channel it was typed in. */
export async function openNewProgramForm(
  deps: ListenerDeps,
  cmd: { user_id: string; channel_id: string; trigger_id: string },
  io: { client: webApi.WebClient; respond: RespondFn; logger: Logger },
): Promise<void> {
  const choices = templateChoices(deps);
  const first = choices[0];
  if (!first) return;
  // Someone known not to be allowed gets the refusal, not a form they cannot submit.
  if (deps.workspace?.mayCreateNow(cmd.user_id) === false) {
    const refusal = await deps.workspace.mayCreate(cmd.user_id);
    if (!refusal.ok)
      return void (await io
        .respond({
          response_type: 'ephemeral',
          text: `:no_entry: ${refusalSentence(refusal.error)}\n_Nothing was started._`,
        })
        .catch((e: Error) => io.logger.warn(`could not tell ${cmd.user_id}: ${e.message}`)));
  }
  await openView(
    io,
    cmd.user_id,
    cmd.trigger_id,
    newProgramModal(choices, first, { channel: cmd.channel_id, taken: takenIds(deps) }),
  );
}

/** What the form carries: the channel it is for, and the template it shows. */
const FormMeta = z.object({
  channel: z.string().max(100).optional(),
  template: z.string().max(300).optional(),
});

/** Every input block the form may hold: the fixed ones, and each template's sides and roles. */
function formInputs(choices: readonly TemplateChoice[]): string[] {
  const { template, id, title, release, sidePrefix, rolePrefix } = NEW_PROGRAM.inputs;
  const blocks = new Set<string>([template, id, title, release]);
  for (const c of choices) {
    for (const s of c.program.sides) blocks.add(`${sidePrefix}${s.id}.name`).add(`${sidePrefix}${s.id}.zone`);
    for (const r of c.program.roles) blocks.add(`${rolePrefix}${r.id}`);
  }
  return [...blocks];
}

/** A plain view saying how the start went, in place of the form. */
const resultView = (text: string): View => ({
  type: 'modal',
  title: plain('Start a program'),
  close: plain('Close'),
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
});

export function registerNewProgram(app: Listeners, deps: ListenerDeps) {
  // Another template chosen: the form again, with that template's sides and roles.
  app.action(NEW_PROGRAM.templateChosen, async ({ ack, body, client, logger }) => {
    await ack();
    if (body.type !== 'block_actions' || !body.view) return;
    const action = body.actions[0];
    const value = action && 'selected_option' in action ? action.selected_option?.value : undefined;
    const choices = templateChoices(deps);
    const chosen = choices.find((c) => c.value === value);
    const meta = readMetadata(body.view.private_metadata, FormMeta);
    if (!chosen || !meta?.channel) return;
    await client.views
      .update({
        view_id: body.view.id,
        hash: body.view.hash,
        view: newProgramModal(choices, chosen, { channel: meta.channel, taken: takenIds(deps) }),
      })
      .catch((e: Error) => logger.warn(`could not update the new-program form: ${e.message}`));
  });

  app.view(NEW_PROGRAM.view, async ({ ack, body, view, client, logger }) => {
    const inputs = NEW_PROGRAM.inputs;
    const choices = templateChoices(deps);
    const form = readForm(view, formInputs(choices), FormMeta);
    if (!form.ok) return ack(inlineErrors(form.block ?? inputs.id, form.message));
    const { meta, values } = form;
    const errors: Record<string, string> = {};
    const chosenValue = values[inputs.template] ?? meta.template;
    const template = choices.find((c) => c.value === chosenValue);
    if (!template) errors[inputs.template] = 'Choose a template.';
    const id = (values[inputs.id] ?? '').toLowerCase();
    const channel = meta.channel ?? '';
    const fault = id
      ? precheck(deps, id, channel)
      : { field: 'id' as const, message: 'Give the program an id.' };
    if (fault) errors[fault.field === 'id' ? inputs.id : inputs.template] = fault.message.replaceAll('`', '');
    const title = values[inputs.title];
    const release = values[inputs.release];
    if (!title) errors[inputs.title] = 'Give the title.';
    if (!release) errors[inputs.release] = 'Give the release.';
    // Keyed by the template's ids (checked by the one id rule), on objects without a prototype all the same.
    const sides: Record<string, { name?: string; zone?: string }> = Object.create(null);
    const roleTitles: Record<string, string> = Object.create(null);
    for (const s of template?.program.sides ?? []) {
      const name = values[`${inputs.sidePrefix}${s.id}.name`];
      const zone = values[`${inputs.sidePrefix}${s.id}.zone`];
      if (zone && !isZone(zone))
        errors[`${inputs.sidePrefix}${s.id}.zone`] =
          `"${zone}" is not a time zone: use one such as Europe/Berlin.`;
      sides[s.id] = { ...(name ? { name } : {}), ...(zone ? { zone } : {}) };
    }
    for (const r of template?.program.roles ?? []) {
      const t = values[`${inputs.rolePrefix}${r.id}`];
      if (t) roleTitles[r.id] = t;
    }
    if (Object.keys(errors).length || !template || !title || !release)
      return ack({ response_action: 'errors', errors });
    // Never "Starting…" to someone known not to be allowed; "Checking…" while a creator group must be asked.
    const known = deps.workspace?.mayCreateNow(body.user.id);
    if (known === false && deps.workspace) {
      const refusal = await deps.workspace.mayCreate(body.user.id);
      if (!refusal.ok)
        return ack({
          response_action: 'update',
          view: resultView(`:no_entry: ${refusalSentence(refusal.error)}\n_Nothing was started._`),
        });
    }
    await ack({
      response_action: 'update',
      view: resultView(
        known
          ? `:hourglass_flowing_sand: Starting \`${esc(id)}\` from ${esc(template.label)}…`
          : `:hourglass_flowing_sand: Checking that you may start programs, then starting \`${esc(id)}\` from ${esc(template.label)}…`,
      ),
    });
    const outcome = await checkAndStart(
      deps,
      body.user.id,
      { id, template: template.program, from: template.label, title, release, sides, roleTitles, channel },
      `view:${view.id}`,
      logger,
    );
    await client.views
      .update({ view_id: view.id, view: resultView(outcome.text) })
      .catch((e: Error) => logger.warn(`could not show the outcome of a start: ${e.message}`));
  });
}
