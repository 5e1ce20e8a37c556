/**
 * Block Kit ids as Slack requires them, built in one place (beside ids.ts, which names them): an `action_id` is
 * unique within its block and a `block_id` within its message or view, or Slack refuses the whole payload with
 * `invalid_blocks`. Two buttons of one action in one block ("Sign off for MemoryKernel", "Sign off for
 * AssistSupport") keep the action's id on the first and take an ordinal on the next (`cutover.signoff.open#2`); the
 * program, item and side travel in the button's `value`, never in the id. Listeners register `actionPattern(id)`,
 * which matches the id with or without its ordinal.
 */
import type { types } from '@slack/bolt';

const ORDINAL = '#';

/** The id of the `n`th (1-based) element of one action within a block: the id itself, then `id#2`, `id#3`… */
export const nthActionId = (actionId: string, n: number) => (n <= 1 ? actionId : `${actionId}${ORDINAL}${n}`);

/** What a listener registers for `actionId`: the id alone, or with the ordinal `nthActionId` gave it. */
export const actionPattern = (actionId: string) =>
  new RegExp(`^${actionId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:${ORDINAL}\\d+)?$`);

/** The action an element's id names, without its ordinal. */
export const baseActionId = (id: string) => {
  const at = id.lastIndexOf(ORDINAL);
  return at > 0 && /^\d+$/.test(id.slice(at + 1)) ? id.slice(0, at) : id;
};

type WithActionId = { action_id?: string };

/** The elements of one block, each `action_id` unique among them (the first of an action keeps its id). */
export function uniqueActionIds<T>(elements: readonly T[]): T[] {
  const seen = new Map<string, number>();
  return elements.map((element) => {
    const id = (element as WithActionId).action_id;
    if (typeof id !== 'string') return element;
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    return n === 1 ? element : { ...element, action_id: nthActionId(id, n) };
  });
}

/**
 * The blocks of one message or view with Slack's ids unique: every `block_id` within them (a repeat takes an
 * ordinal), every `action_id` within its block. Blocks without ids are left so (Slack makes its own).
 */
export function withUniqueIds(blocks: readonly types.KnownBlock[]): types.KnownBlock[] {
  const seen = new Map<string, number>();
  return blocks.map((block) => {
    let out = block;
    if ('elements' in out && out.type === 'actions')
      out = { ...out, elements: uniqueActionIds(out.elements) };
    const id = out.block_id;
    if (typeof id !== 'string') return out;
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    return n === 1 ? out : { ...out, block_id: `${id}${ORDINAL}${n}` };
  });
}
