/**
 * What a rule still waits for, said in Slack: one line per unmet item, with the command a person types to act on
 * it and the roles that may. The core hands over `Unmet` data; the CI API says the same as JSON and the record in
 * plain words (`unmetWords`).
 */
import { targetLabel } from '../../core/readiness.js';
import { rolesWords, type Unmet, unmetWords } from '../../core/unmet.js';
import { clip, esc, plainLine } from './text.js';

/** One unmet item as a line (plain text: escape it where it goes into mrkdwn). */
export function unmetLine(u: Unmet): string {
  const who = rolesWords('mayAct' in u ? u.mayAct : []);
  switch (u.kind) {
    case 'target-missing':
      return `no release target is published — /cutover target <tag> <sha> (${who})`;
    case 'target-unapproved':
      return `release target ${targetLabel(u.target)} is not approved — /cutover target approve ${u.target.tag} (${who})`;
    case 'signoff-missing':
      return `${u.sideName} has not signed GO on the current approved target — /cutover signoff (${u.mayAct.join(' or ')})`;
    case 'evidence-missing':
      return u.target
        ? `${u.title} (${u.evidence}) is not logged for ${targetLabel(u.target)}${u.stale ? ' (what was logged is for an earlier target)' : ''} — /cutover evidence ${u.evidence} <url> (${who})`
        : `${u.title} (${u.evidence}) needs a published release target first — /cutover target <tag> <sha> (${who})`;
    case 'blocker-open':
      return u.derived
        ? `blocker ${u.blocker} is open: ${u.because.map(unmetLine).join('; ')}`
        : `blocker ${u.blocker} is open — ${u.title} (owner ${u.owner})`;
    default:
      return unmetWords(u);
  }
}

/** Each unmet item once, as lines. */
export const unmetLines = (list: readonly Unmet[]) => [...new Set(list.map(unmetLine))];

/**
 * A refusal's unmet items, each fact once. Several rules can report one fact — a derived blocker open because no
 * release target is published, and the GO rule's own "no release target" — so a derived blocker's line gives only
 * the reasons the list does not state already (on its own line, or in an earlier blocker's).
 */
export function unmetOnce(list: readonly Unmet[]): string[] {
  const key = (u: Unmet) => JSON.stringify(u);
  const stated = new Set(list.filter((u) => u.kind !== 'blocker-open').map(key));
  const lines = list.map((u) => {
    if (u.kind !== 'blocker-open' || !u.derived) return unmetLine(u);
    const own = u.because.filter((b) => !stated.has(key(b)));
    for (const b of own) stated.add(key(b));
    return own.length
      ? unmetLine({ ...u, because: own })
      : `blocker ${u.blocker} is open until what is listed here is met (it clears itself)`;
  });
  return [...new Set(lines)];
}

/**
 * An unmet item in a few words, as mrkdwn (what a person typed escaped): what a summary names when it cannot say
 * the whole line. `kind` is the word a run of items of one kind shares (`blockers \`a\`, \`b\``).
 */
export function unmetName(u: Unmet): { kind: string; name: string } {
  const code = (id: string) => `\`${esc(id)}\``;
  const typed = (s: string) => esc(clip(plainLine(s), 40));
  switch (u.kind) {
    case 'target-missing':
      return { kind: '', name: 'no release target' };
    case 'target-unapproved':
      return { kind: '', name: `approval of ${code(u.target.tag)}` };
    case 'signoff-missing':
      return { kind: 'sign-off of', name: typed(u.sideName) };
    case 'signoff-same-person':
      return { kind: '', name: `${typed(u.sideName)} signed by the same person` };
    case 'evidence-missing':
    case 'evidence-undefined':
      return { kind: 'evidence', name: code(u.evidence) };
    case 'record-missing':
      return { kind: 'record in the repo of', name: typed(u.sideName) };
    case 'blocker-open':
      return { kind: 'blocker', name: code(u.blocker) };
    case 'gate-not-green':
      return { kind: 'gate', name: code(u.gate) };
    case 'decision-not-go':
      return { kind: 'decision', name: code(u.decision) };
    case 'phase-unknown':
      return { kind: 'phase', name: code(u.phase) };
  }
}

/** Unmet items named, each once, the kind said once per run: `blocker \`a\``, `\`b\``, `gate \`c\``. */
export function unmetNames(list: readonly Unmet[]): string[] {
  const named = [...new Map(list.map((u) => unmetName(u)).map((n) => [`${n.kind} ${n.name}`, n])).values()];
  return named.map((n, i) => (n.kind && named[i - 1]?.kind !== n.kind ? `${n.kind} ${n.name}` : n.name));
}
