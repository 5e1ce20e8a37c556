/**
 * Notes people write for the record: what the decision covers (scope), each side's stated position, and the notes
 * under the cutover window. The log owner (or an admin) writes the scope and the window notes; a side's commander
 * (or an admin) writes that side's position. `text: null` clears a note; writing what is already there changes
 * nothing.
 */
import { unchanged } from '../errors.js';
import type { Command, Note } from '../schema.js';
import { type Change, done, fail, find, type Handlers, type StepContext, type StepResult } from './change.js';

/** The text written and the text it replaced, for the event (absent: none). */
const texts = (before: Note | undefined, after: Note | undefined) => ({
  ...(after ? { text: after.text } : {}),
  ...(before ? { was: before.text } : {}),
});

/** The note after `text` is written over `before` by this change (undefined: cleared). */
const written = (ch: Change, text: string | null): Note | undefined =>
  text === null ? undefined : { text, set: ch.stamp() };

function scopeSet({ c, begin }: StepContext, cmd: Extract<Command, { type: 'scope.set' }>): StepResult {
  const a = begin('scope.set');
  if (a.error) return { step: fail(a.error) };
  if ((c.scope?.text ?? null) === cmd.text)
    return { step: fail(unchanged(cmd.text ? 'The scope already reads so.' : 'No scope is stated.')) };
  const before = c.scope;
  const after = written(a.ch, cmd.text);
  if (after) c.scope = after;
  else delete c.scope;
  a.ch.emit({
    type: 'note.changed',
    what: 'scope',
    change: after ? 'set' : 'cleared',
    ...texts(before, after),
  });
  return { ch: a.ch, step: done(after ? 'Scope stated.' : 'Scope cleared.') };
}

function positionSet({ c, begin }: StepContext, cmd: Extract<Command, { type: 'position.set' }>): StepResult {
  const f = find(c.sides, cmd.side, 'side', 'side');
  if (f.error) return { step: fail(f.error) };
  const side = f.item;
  const a = begin('position.set', { owner: side.commanderRole, side: side.id });
  if (a.error) return { step: fail(a.error) };
  const before = c.positions.find((p) => p.side === side.id);
  if ((before?.text ?? null) === cmd.text)
    return {
      step: fail(
        unchanged(
          cmd.text ? `${side.name}'s position already reads so.` : `${side.name} has stated no position.`,
        ),
      ),
    };
  const after = written(a.ch, cmd.text);
  const others = c.positions.filter((p) => p.side !== side.id);
  // Kept in the order of the sides, so the record lists them as the program does.
  const order = (id: string) => c.sides.findIndex((s) => s.id === id);
  c.positions = [...others, ...(after ? [{ ...after, side: side.id }] : [])].sort(
    (x, y) => order(x.side) - order(y.side),
  );
  a.ch.emit({
    type: 'note.changed',
    what: 'position',
    side: side.id,
    change: after ? 'set' : 'cleared',
    ...texts(before, after),
  });
  return {
    ch: a.ch,
    step: done(after ? `${side.name}'s position stated.` : `${side.name}'s position cleared.`),
  };
}

function windowNotes({ c, begin }: StepContext, cmd: Extract<Command, { type: 'window.notes' }>): StepResult {
  const a = begin('window.notes');
  if (a.error) return { step: fail(a.error) };
  if ((c.windowNotes?.text ?? null) === cmd.text)
    return {
      step: fail(unchanged(cmd.text ? 'The window notes already read so.' : 'There are no window notes.')),
    };
  const before = c.windowNotes;
  const after = written(a.ch, cmd.text);
  if (after) c.windowNotes = after;
  else delete c.windowNotes;
  a.ch.emit({
    type: 'note.changed',
    what: 'window-notes',
    change: after ? 'set' : 'cleared',
    ...texts(before, after),
  });
  return { ch: a.ch, step: done(after ? 'Window notes written.' : 'Window notes cleared.') };
}

export const notesHandlers: Handlers<'scope.set' | 'position.set' | 'window.notes'> = {
  'scope.set': scopeSet,
  'position.set': positionSet,
  'window.notes': windowNotes,
};
