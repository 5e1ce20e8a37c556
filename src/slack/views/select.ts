/**
 * The select of a form's item (blocker, gate, evidence, decision, role): a `static_select` while the items fit in
 * Slack's 100 options, else an `external_select` whose options load as the person types (Slack sends a
 * `block_suggestion`; listeners/options/item-options.ts answers with `matchingChoices`). Either way the item's id
 * is the option's value, and the form reads it the same. Pure.
 */
import { INPUT_ACTION } from '../ids.js';
import { clip, plain } from './text.js';

/** Slack's limit on a select's options (and on the options one block_suggestion answers). */
export const MAX_OPTIONS = 100;

/** One item a form offers: its label and its id. */
export interface Choice {
  text: string;
  value: string;
}

const option = (c: Choice) => ({ text: plain(c.text), value: clip(c.value, 150) });

/** The select element for `choices`, with `initial` chosen when it is one of them. */
export function choiceElement(choices: readonly Choice[], initial?: string, actionId: string = INPUT_ACTION) {
  const preset = choices.find((c) => c.value === initial);
  if (choices.length <= MAX_OPTIONS)
    return {
      type: 'static_select' as const,
      action_id: actionId,
      options: choices.map(option),
      ...(preset ? { initial_option: option(preset) } : {}),
    };
  return {
    type: 'external_select' as const,
    action_id: actionId,
    min_query_length: 0,
    placeholder: plain(`Type an id or words of the title (${choices.length} in all)`),
    ...(preset ? { initial_option: option(preset) } : {}),
  };
}

/**
 * The options for what the person typed, at most 100: an id typed whole first, then ids that begin with it, then
 * every choice whose id or label holds each word typed (case ignored). Nothing typed: the first 100.
 */
export function matchingChoices(choices: readonly Choice[], typed: string) {
  const q = typed.trim().toLowerCase();
  if (!q) return choices.slice(0, MAX_OPTIONS).map(option);
  const words = q.split(/\s+/);
  const rank = (c: Choice) => {
    const id = c.value.toLowerCase();
    if (id === q) return 0;
    if (id.startsWith(q)) return 1;
    const hay = `${id} ${c.text.toLowerCase()}`;
    return words.every((w) => hay.includes(w)) ? 2 : undefined;
  };
  return choices
    .flatMap((c, i) => {
      const r = rank(c);
      return r === undefined ? [] : [{ c, r, i }];
    })
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .slice(0, MAX_OPTIONS)
    .map(({ c }) => option(c));
}
