/**
 * A program's CI tokens in Slack: the list (`/cutover token list`, the tokens form), the token made (shown once),
 * and the form that makes and revokes them from App Home, for those without slash commands. Pure.
 */
import type { types } from '@slack/bolt';
import type { CiToken, Cutover } from '../../core/schema.js';
import { tokenScope } from '../../core/tokens.js';
import { utcStamp } from '../../format/words.js';
import { ACTIONS, actionValue, INPUT_ACTION, INPUTS, VIEWS } from '../ids.js';
import type { ModalMetadata } from './modals.js';
import { esc, fold, plain, who } from './text.js';

type View = types.View;

/** One token as a line: name, scope, who made it and when, its last use, revoked or not. */
export function tokenLine(t: CiToken): string {
  const used = t.lastUsedAt ? `last used ${utcStamp(t.lastUsedAt)}` : 'never used';
  const state = t.revoked ? ` · *revoked* by ${who(t.revoked.by)}, ${utcStamp(t.revoked.at)}` : '';
  return `• \`${esc(t.name)}\` — ${esc(tokenScope(t))} · made by ${who(t.created.by)}, ${utcStamp(t.created.at)} · ${used}${state}`;
}

export function tokenListText(c: Cutover, tokens: readonly CiToken[]): string {
  const mine = tokens.filter((t) => t.program === c.id);
  return fold([
    `*CI tokens of ${esc(c.title)}* (\`${esc(c.id)}\`)`,
    ...(mine.length
      ? mine.map(tokenLine)
      : ['_None yet._ Make one: `/cutover token create &lt;name&gt; [side]`.']),
    'Pipelines send one as `Authorization: Bearer <token>`; `/cutover token revoke <name>` ends it.',
  ]);
}

/** The answer that shows a new token: the one time it is shown. */
export function tokenMadeText(c: Cutover, token: CiToken, secret: string): string {
  return fold([
    `:key: CI token \`${esc(token.name)}\` made for ${esc(tokenScope(token))}. Copy it now: *it is shown only this once* (the bot keeps only its hash).`,
    `\`\`\`${secret}\`\`\``,
    `Store it as a CI secret and send it as \`Authorization: Bearer <token>\` to \`/api/programs/${esc(c.id)}/…\`. History names it as \`${esc(token.name)}\`.`,
  ]);
}

/** The tokens form: the tokens with a Revoke button each, and the inputs to make one. */
export function tokensModal(c: Cutover, tokens: readonly CiToken[], meta: ModalMetadata): View {
  const mine = tokens.filter((t) => t.program === c.id).slice(-40);
  const sideOptions = [
    { text: plain('The whole program'), value: '*' },
    ...c.sides.slice(0, 99).map((s) => ({ text: plain(`${s.name} only`), value: s.id })),
  ];
  return {
    type: 'modal',
    callback_id: VIEWS.tokens,
    title: plain('CI tokens'),
    submit: plain('Make a token'),
    close: plain('Close'),
    private_metadata: JSON.stringify({ ...meta, program: c.id }),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: fold([
            `*${esc(c.title)}* (\`${esc(c.id)}\`): a token lets a pipeline set this program's gates and log its evidence (a side's token: only that side's).`,
          ]),
        },
      },
      ...(mine.length
        ? mine.map((t) => ({
            type: 'section' as const,
            text: { type: 'mrkdwn' as const, text: tokenLine(t) },
            ...(t.revoked
              ? {}
              : {
                  accessory: {
                    type: 'button' as const,
                    action_id: ACTIONS.revokeToken,
                    text: plain('Revoke'),
                    style: 'danger' as const,
                    value: actionValue(c.id, t.name),
                    confirm: {
                      title: plain('Revoke this token?'),
                      text: plain(`Pipelines using ${t.name} will be refused from now on.`),
                      confirm: plain('Revoke'),
                      deny: plain('Keep it'),
                    },
                  },
                }),
          }))
        : [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: '_No tokens yet._' } }]),
      { type: 'divider' },
      {
        type: 'input',
        block_id: INPUTS.token.name,
        label: plain('New token: its name'),
        hint: plain('lower-case letters, digits, "-": e.g. consumer-pipeline'),
        element: { type: 'plain_text_input', action_id: INPUT_ACTION, max_length: 64 },
      },
      {
        type: 'input',
        block_id: INPUTS.token.side,
        label: plain('What it may touch'),
        element: {
          type: 'static_select',
          action_id: INPUT_ACTION,
          options: sideOptions,
          initial_option: sideOptions[0],
        },
      },
    ],
  };
}

/** The view that replaces the form once a token is made: the token, shown once. */
export function tokenMadeModal(c: Cutover, token: CiToken, secret: string): View {
  return {
    type: 'modal',
    title: plain('CI token made'),
    close: plain('Done'),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: tokenMadeText(c, token, secret) } }],
  };
}
