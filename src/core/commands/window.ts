/** The cutover window. */
import { invalid, unchanged } from '../errors.js';
import type { Command } from '../schema.js';
import { MAX_WINDOW_DAYS } from '../time.js';
import { done, fail, type Handlers, type StepContext, type StepResult } from './change.js';

function window({ c, at, begin }: StepContext, cmd: Extract<Command, { type: 'window' }>): StepResult {
  const a = begin('window');
  if (a.error) return { step: fail(a.error) };
  if (Date.parse(cmd.end) <= Date.parse(cmd.start))
    return { step: fail(invalid('end', 'The window must end after it starts.')) };
  if (Date.parse(cmd.end) <= Date.parse(at))
    return {
      step: fail(invalid('end', 'That window is already over; give one that ends in the future.')),
    };
  const longest = MAX_WINDOW_DAYS * 24 * 3600_000;
  if (Date.parse(cmd.end) - Date.parse(cmd.start) > longest)
    return {
      step: fail(
        invalid(
          'end',
          `A cutover window lasts at most ${MAX_WINDOW_DAYS} days: give an end no later than ${new Date(
            Date.parse(cmd.start) + longest,
          ).toISOString()} (UTC), ${MAX_WINDOW_DAYS} days after the start.`,
        ),
      ),
    };
  if (c.window && c.window.start === cmd.start && c.window.end === cmd.end)
    return { step: fail(unchanged(`The cutover window is already ${cmd.start} – ${cmd.end} (UTC).`)) };
  const before = c.window ? `${c.window.start} – ${c.window.end}` : 'none';
  c.window = { start: cmd.start, end: cmd.end, set: a.ch.stamp() };
  a.ch.emit({ type: 'window.set', start: cmd.start, end: cmd.end });
  a.ch.log('window', 'cutover window', before, `${cmd.start} – ${cmd.end}`);
  return { ch: a.ch, step: done(`Cutover window set: ${cmd.start} – ${cmd.end} (UTC).`) };
}

export const windowHandlers: Handlers<'window'> = {
  window: window,
};
