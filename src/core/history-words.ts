/**
 * What a history entry says, in the plain words a release engineer would write ("Gate Producer suite turned green
 * (was pending)", "Scope written: “Runtime only”"), read from the typed event at read time. The words are the
 * core's; the language is the surface's: each passes a `Speaker` that names people (a Slack mention, a display
 * name), quotes what a person typed (escaped for mrkdwn or Markdown), writes ids, instants and links. Nothing
 * here is Slack or Markdown syntax, and no surface parses what another wrote.
 */
import { BOT } from './commands/change.js';
import { shortSha, targetLabel } from './readiness.js';
import type { Cutover, HistoryEntry, HistoryEvent, TargetRef, VoidCause } from './schema.js';

/** How a surface says the parts of a sentence. */
export interface Speaker {
  /** A person, group, CI name or the bot, as stored in history and role assignments; null: nobody. */
  who(by: string | null): string;
  /** Text a person typed (a title, a rationale, a note), escaped and quoted as the surface quotes it. */
  typed(text: string): string;
  /** Words the bot wrote that hold stored values (a reason the core gave), escaped, not quoted. */
  plain(text: string): string;
  /** An id (a gate, a phase), a tag or a commit. */
  id(text: string): string;
  /** An instant. */
  date(iso: string): string;
  /** A link a person or CI gave. */
  link(url: string): string;
}

const GO = (d: 'go' | 'no-go') => (d === 'go' ? 'GO' : 'NO-GO');

/** The reminder settings as `/cutover reminders` names them. */
const REMINDER_WORDS: Record<string, string> = {
  signoffAfterHours: 'sign-off reminder',
  blockerStaleHours: 'stale-blocker reminder',
  windowLeadHours: 'window lead time',
  digestHour: 'daily digest hour',
  quietHours: 'quiet hours',
  zone: 'time zone',
};

const KIND: Record<string, string> = {
  gate: 'Gate',
  evidence: 'Evidence',
  blocker: 'Blocker',
  role: 'Role',
};

/** What a note is of, in words: "Scope", "Window notes" or "<side>'s position" (`sideWords` names the side). */
export const noteSubject = (
  e: Extract<HistoryEvent, { type: 'note.changed' }>,
  sideWords: (sideId: string) => string,
) =>
  e.what === 'scope'
    ? 'Scope'
    : e.what === 'window-notes'
      ? 'Window notes'
      : `${sideWords(e.side ?? '')}'s position`;

/** The words of one history entry. `c` is the program as it stands now, for titles an older event did not keep. */
export function historyWords(h: Pick<HistoryEntry, 'by' | 'event'>, c: Cutover, say: Speaker): string {
  const e = h.event;
  const t = (ref: TargetRef) => say.id(targetLabel(ref));
  const title = (list: { id: string; title: string }[], id: string, kept?: string) => {
    const name = kept ?? list.find((x) => x.id === id)?.title;
    return name ? `${say.typed(name)} (${say.id(id)})` : say.id(id);
  };
  const side = (id: string) => say.plain(c.sides.find((s) => s.id === id)?.name ?? id);
  const role = (id: string, kept?: string) => title(c.roles, id, kept);
  const span = (w: { start: string; end: string }) => `${say.date(w.start)} – ${say.date(w.end)}`;
  const because = (why: string | undefined) => (why ? `: ${say.typed(why)}` : '');
  switch (e.type) {
    case 'role.assigned':
      if (!e.after) return `${role(e.role, e.title)} is now unassigned (was ${say.who(e.before)})`;
      return `${role(e.role, e.title)} given to ${say.who(e.after)}${e.before ? ` (was ${say.who(e.before)})` : ''}`;
    case 'blocker.added':
      return `Blocker ${title(c.blockers, e.blocker, e.title)} added${e.phase ? ` before phase ${say.id(e.phase)}` : ''}${e.owner ? `, owned by ${role(e.owner)}` : ''}`;
    case 'blocker.cleared':
      return e.derived
        ? `Blocker ${title(c.blockers, e.blocker, e.title)} cleared itself: its facts now hold`
        : `Blocker ${title(c.blockers, e.blocker, e.title)} cleared${e.evidenceUrl ? `, evidence ${say.link(e.evidenceUrl)}` : ''}`;
    case 'blocker.reopened':
      return e.derived
        ? `Blocker ${title(c.blockers, e.blocker, e.title)} opened again by itself: ${say.plain(e.reason)}`
        : `Blocker ${title(c.blockers, e.blocker, e.title)} reopened${because(e.reason)}`;
    case 'gate.changed': {
      const g = title(c.gates, e.gate, e.title);
      const links = `${e.evidenceUrl ? `, evidence ${say.link(e.evidenceUrl)}` : ''}${e.runUrl ? `, run ${say.link(e.runUrl)}` : ''}`;
      const commit = e.commit
        ? say.id(e.commit.tag ? `${e.commit.tag} @ ${shortSha(e.commit.sha)}` : shortSha(e.commit.sha))
        : '';
      if (e.derived) return `Gate ${g} turned ${e.after} by itself (was ${e.before})`;
      if (e.counts === false)
        return `Gate ${g}: ${e.after} reported for ${commit}, which is not the current target, so it does not count${links}`;
      if (e.before === e.after)
        return `Gate ${g} stays ${e.after}${commit ? ` for ${commit}` : ''}; its links are updated${links}`;
      if (h.by === BOT && e.target)
        return `Gate ${g} is ${e.after} for the new target ${t(e.target)}: it has no result for it yet (was ${e.before})`;
      return `Gate ${g} turned ${e.after}${e.target ? ` for ${t(e.target)}` : ''} (was ${e.before})${links}`;
    }
    case 'target.published':
      return `Release target ${t(e)} published${e.replaced ? `, replacing ${t(e.replaced)}` : ''}; it waits for approval`;
    case 'target.approved':
      return `Release target ${t(e)} approved; it is now immutable`;
    case 'evidence.logged':
      return `Evidence ${title(c.evidence, e.evidence, e.title)} logged${e.target ? ` for ${t(e.target)}` : ''}: ${say.link(e.url)}`;
    case 'signoff.given': {
      const member = e.membership
        ? `, as a member of ${say.who(e.membership.group)} (confirmed ${say.date(e.membership.confirmedAt)})`
        : '';
      return `${side(e.side)} signed ${GO(e.decision)}${e.target ? ` on ${t(e.target)}` : ' before any target was published'}${e.replaced ? ` (replacing its ${GO(e.replaced)})` : ''}${member}${because(e.rationale)}${e.evidenceUrl ? `, evidence ${say.link(e.evidenceUrl)}` : ''}`;
    }
    case 'signoff.voided': {
      const whose = `${side(e.side)}'s ${e.decision ? `${GO(e.decision)} ` : ''}sign-off${e.signer ? ` by ${say.who(e.signer)}` : ''}`;
      return `${whose} voided: ${e.cause ? causeWords(e.cause, c, say) : say.plain(e.reason)}`;
    }
    case 'decision.changed': {
      const d = title(c.decisions, e.decision, e.title);
      if (e.automatic) return `Decision ${d} fell back to NO-GO by itself: its requirements no longer hold`;
      if (e.before === e.after)
        return `Decision ${d} stays ${GO(e.after)}, with a new rationale${because(e.rationale)}`;
      return `Decision ${d} is now ${GO(e.after)} (was ${GO(e.before)})${because(e.rationale)}`;
    }
    case 'go.lost': {
      const d = title(c.decisions, e.decision, undefined);
      const phases = e.phases.map(say.id).join(', ');
      const how =
        e.how === 'confirmed'
          ? `, confirmed${because(e.reason)}`
          : e.how === 'decided'
            ? ', decided NO-GO'
            : e.reason
              ? `, after ${say.plain(e.reason)}`
              : '';
      return `Decision ${d} lost its GO while phase ${phases} ran${how}`;
    }
    case 'phase.changed': {
      const p = title(c.phases, e.phase, e.title);
      return e.after === 'started' || e.after === 'closed'
        ? `Phase ${p} ${e.after}`
        : `Phase ${p} is ${e.after}`;
    }
    case 'window.set':
      return `Cutover window set to ${span(e)}${e.replaced ? ` (was ${span(e.replaced)})` : ''}`;
    case 'window.cleared':
      return `Cutover window cleared (it was ${span(e)})`;
    case 'program.shaped': {
      if (e.what === 'reminders')
        return e.fields?.length
          ? `Reminders changed: ${e.fields.map((f) => REMINDER_WORDS[f] ?? say.id(f)).join(', ')}`
          : 'Reminders changed';
      const kind = KIND[e.what] ?? e.what;
      const id = say.id(e.item ?? '');
      if (e.change === 'added') return `${kind} ${e.title ? `${say.typed(e.title)} (${id})` : id} added`;
      if (e.change === 'removed') return `${kind} ${e.was ? `${say.typed(e.was)} (${id})` : id} removed`;
      const verb = e.what === 'role' ? 'retitled' : 'renamed';
      return `${kind} ${id} ${verb} ${say.typed(e.title ?? '')}${e.was ? ` (was ${say.typed(e.was)})` : ''}`;
    }
    case 'program.archived':
      return `Program archived${because(e.reason)}`;
    case 'program.created':
      return `Program started from ${say.plain(e.from)}`;
    case 'note.changed': {
      const what = noteSubject(e, side);
      return e.change === 'set'
        ? `${what} written${because(e.text)}${e.was ? ` (was ${say.typed(e.was)})` : ''}`
        : `${what} cleared${e.was ? ` (was ${say.typed(e.was)})` : ''}`;
    }
    case 'record.reported':
      return `${side(e.side)} reported the decision record in ${say.id(e.repo)} @ ${say.id(shortSha(e.commit))} (sha256 ${say.id(e.contentHash.slice(0, 12))})`;
    case 'legacy':
      return legacyWords(e, say);
  }
}

/** Why a sign-off was voided. */
function causeWords(cause: VoidCause, c: Cutover, say: Speaker): string {
  const gate = (id: string) => {
    const g = c.gates.find((x) => x.id === id);
    return g ? `${say.typed(g.title)} (${say.id(id)})` : say.id(id);
  };
  switch (cause.kind) {
    case 'replaced':
      return 'replaced by a newer sign-off';
    case 'target':
      return `the release target changed${cause.from ? ` from ${say.id(targetLabel(cause.from))}` : ''} to ${say.id(targetLabel(cause.to))}`;
    case 'gate-red':
      return `gate ${gate(cause.gate)} turned red`;
    case 'gates':
      return `the gates changed: ${say.id(cause.gate)} ${cause.change}`;
  }
}

/** A line an older version wrote as prose: shown as it was written, marked as legacy text. */
function legacyWords(e: Extract<HistoryEvent, { type: 'legacy' }>, say: Speaker): string {
  return `${say.plain(`${e.action} ${e.subject}: ${e.before} → ${e.after}`)}${e.note ? ` — ${say.plain(e.note)}` : ''} (legacy text)`;
}
