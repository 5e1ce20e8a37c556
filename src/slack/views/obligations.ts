/**
 * The core's obligations (src/core/obligations.ts) in Slack's words: each as the action in mrkdwn and the button
 * that takes it, and each role with the person who holds it. Every surface that asks someone to act (alerts,
 * status, App Home, reminders) renders through this, so they say the same thing.
 */
import type { Obligation } from '../../core/obligations.js';
import { sideName, signoffFor, targetLabel } from '../../core/readiness.js';
import type { Cutover } from '../../core/schema.js';
import { goWord } from '../../format/words.js';
import { ACTIONS } from '../ids.js';
import { clip, esc, mention, plainLine } from './text.js';

const code = (id: string) => `\`${esc(id)}\``;

/** A role's title as typed, one line, escaped and cut. */
export const roleTitle = (c: Cutover, roleId: string, max = 60) =>
  esc(clip(plainLine(c.roles.find((r) => r.id === roleId)?.title ?? roleId), max));

/** A role's holder: the mention (a group as `<!subteam^…>`), or `_unassigned_`. */
export const roleHolder = (c: Cutover, roleId: string) =>
  mention(c.roles.find((r) => r.id === roleId)?.assignee ?? null);

/** A role as every surface shows it: its title and who holds it, `Release Owner <@U…>` or `Release Owner _unassigned_`. */
export const roleWithHolder = (c: Cutover, roleId: string, max = 60) =>
  `${roleTitle(c, roleId, max)} ${roleHolder(c, roleId)}`;

/** The action of an obligation in words, with the item it names. */
export function obligationWords(c: Cutover, o: Obligation): string {
  const label = o.target ? ` on \`${esc(targetLabel(o.target))}\`` : '';
  const item = o.item ?? '';
  switch (o.action) {
    case 'role.assign':
      return `assign ${roleTitle(c, item)} (${code(item)}): nobody holds it`;
    case 'target.publish':
      return 'publish the release target';
    case 'target.approve':
      return `approve release target${o.target ? ` \`${esc(targetLabel(o.target))}\`` : ''}`;
    case 'evidence.log':
      return `log evidence ${code(item)}${o.target ? ` for \`${esc(targetLabel(o.target))}\`` : ''}`;
    case 'gate.set': {
      const on = o.target ? ` for \`${esc(targetLabel(o.target))}\`` : '';
      return o.status === 'red'
        ? `get gate ${code(item)} green (it is red${on})`
        : `set gate ${code(item)}${on} (it is ${o.status ?? 'pending'})`;
    }
    case 'blocker.clear':
      return `clear blocker ${code(item)}`;
    case 'signoff': {
      // What stands for this side (a NO-GO, or a GO on another target), and which sides signed GO.
      const s = signoffFor(c, item);
      const mine = s ? [`${goWord(s.decision)} by ${esc(sideName(c, item))} stands: sign again`] : [];
      const go = c.sides.filter((x) => x.id !== item && signoffFor(c, x.id)?.decision === 'go');
      const notes = [...mine, ...(go.length ? [`${go.map((x) => esc(x.name)).join(', ')} signed GO`] : [])];
      return `sign off GO/NO-GO for ${esc(sideName(c, item))}${label}${notes.length ? ` (${notes.join('; ')})` : ''}`;
    }
    case 'decide':
      return `decide ${code(item)} (it may be GO)`;
    case 'window':
      return 'set the cutover window';
    case 'phase.start':
      return `start phase ${esc(item)}`;
    case 'phase.close':
      return `close phase ${esc(item)} (it is started)`;
  }
}

/** The button that takes an obligation's action (or opens its form): label, action id and the item it names. */
export function obligationButton(
  c: Cutover,
  o: Obligation,
): { text: string; actionId: string; item?: string; primary: boolean } {
  const item = o.item;
  switch (o.action) {
    case 'role.assign':
      return {
        text: `Assign ${item}`,
        actionId: ACTIONS.openRole,
        ...(item ? { item } : {}),
        primary: false,
      };
    case 'target.publish':
      return { text: 'Publish a target', actionId: ACTIONS.openTarget, primary: false };
    case 'target.approve':
      // The button carries the SHA shown: what the person saw is what is approved.
      return {
        text: `Approve ${o.target?.tag ?? 'the target'}`,
        actionId: ACTIONS.approveTarget,
        ...(o.target ? { item: o.target.sha } : {}),
        primary: true,
      };
    case 'evidence.log':
      return {
        text: `Log ${item}`,
        actionId: ACTIONS.openEvidence,
        ...(item ? { item } : {}),
        primary: false,
      };
    case 'gate.set':
      return { text: `Set ${item}`, actionId: ACTIONS.openGate, ...(item ? { item } : {}), primary: false };
    case 'blocker.clear':
      return {
        text: `Clear ${item}`,
        actionId: ACTIONS.openBlocker,
        ...(item ? { item } : {}),
        primary: false,
      };
    case 'signoff':
      return {
        text: `Sign off for ${plainLine(sideName(c, item ?? ''))}`,
        actionId: ACTIONS.openSignoff,
        ...(item ? { item } : {}),
        primary: true,
      };
    case 'decide':
      return {
        text: `Decide ${item}`,
        actionId: ACTIONS.openDecide,
        ...(item ? { item } : {}),
        primary: true,
      };
    case 'window':
      return { text: 'Set the window', actionId: ACTIONS.openWindow, primary: false };
    case 'phase.start':
      return {
        text: `Start phase ${item}`,
        actionId: ACTIONS.startPhase,
        ...(item ? { item } : {}),
        primary: true,
      };
    case 'phase.close':
      return {
        text: `Close phase ${item}`,
        actionId: ACTIONS.closePhase,
        ...(item ? { item } : {}),
        primary: false,
      };
  }
}

/** Who an obligation falls on, as Slack shows them: the holder's mention, the role unassigned, or an admin. */
export function owedBy(c: Cutover, o: Obligation): { key: string; who: string; holder?: string } {
  const holder = o.holders[0];
  if (holder) return { key: holder, who: mention(holder), holder };
  if (o.role) return { key: `role:${o.role}`, who: `${roleTitle(c, o.role)} (${code(o.role)}) _unassigned_` };
  return { key: 'admin', who: 'an admin' };
}

/**
 * The lines asking people to act: one per person (a person holding several roles is mentioned once, with the roles'
 * titles), then each unassigned role, then what only an admin may do. At most `shown` actions per line, then how
 * many more. Returns the people mentioned.
 */
export function obligationLines(
  c: Cutover,
  list: readonly Obligation[],
  shown = 5,
): { lines: string[]; mentions: string[] } {
  const by = new Map<string, { who: string; holder?: string; roles: string[]; actions: string[] }>();
  for (const o of list) {
    const w = owedBy(c, o);
    const entry = by.get(w.key) ?? {
      who: w.who,
      ...(w.holder ? { holder: w.holder } : {}),
      roles: [],
      actions: [],
    };
    if (w.holder && o.role && !entry.roles.includes(o.role)) entry.roles.push(o.role);
    const words = obligationWords(c, o);
    if (!entry.actions.includes(words)) entry.actions.push(words);
    by.set(w.key, entry);
  }
  const lines = [...by.values()].map((e) => {
    const roles = e.roles.length ? ` (${e.roles.map(code).join(', ')})` : '';
    const more = e.actions.length > shown ? `; and ${e.actions.length - shown} more` : '';
    return `• ${e.who}${roles}: ${e.actions.slice(0, shown).join('; ')}${more}`;
  });
  return { lines, mentions: [...by.values()].flatMap((e) => (e.holder ? [e.holder] : [])) };
}
