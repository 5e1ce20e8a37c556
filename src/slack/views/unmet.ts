/**
 * What a rule still waits for, said in Slack: one line per unmet item, with the command a person types to act on
 * it and the roles that may. The core hands over `Unmet` data; the CI API says the same as JSON and the record in
 * plain words (`unmetWords`).
 */
import { targetLabel } from '../../core/readiness.js';
import { rolesWords, type Unmet, unmetWords } from '../../core/unmet.js';

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
