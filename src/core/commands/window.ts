/** The cutover window: set (each end in the zone it was typed in), moved, or cleared. */
import { invalid, unchanged } from '../errors.js';
import type { Command } from '../schema.js';
import { MAX_WINDOW_DAYS, spanIn } from '../time.js';
import { done, fail, type Handlers, type StepContext, type StepResult } from './change.js';

/** The window as the person typed it, then in UTC: `2026-12-01 09:00 – 11:00 Europe/Berlin (… UTC)`. */
function said(start: string, end: string, zones?: { start: string; end: string }): string {
  if (!zones) return `${start} – ${end} (UTC)`;
  const utc = spanIn(start, end, 'UTC');
  const typed = spanIn(start, end, zones.start, zones.end);
  return typed === utc ? utc : `${typed} (${utc})`;
}

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
    return {
      step: fail(unchanged(`The cutover window is already ${said(cmd.start, cmd.end, cmd.zones)}.`)),
    };
  const replaced = c.window ? { replaced: { start: c.window.start, end: c.window.end } } : {};
  c.window = { start: cmd.start, end: cmd.end, set: a.ch.stamp() };
  a.ch.emit({ type: 'window.set', start: cmd.start, end: cmd.end, ...replaced });
  return { ch: a.ch, step: done(`Cutover window set: ${said(cmd.start, cmd.end, cmd.zones)}.`) };
}

/**
 * Clears the window, by whoever may set it. A GO given with the window standing no longer covers one: a window set
 * later waits for the decision again (see readiness). History records it, and the channel is told.
 */
function windowClear({ c, begin }: StepContext): StepResult {
  const a = begin('window');
  if (a.error) return { step: fail(a.error) };
  if (!c.window) return { step: fail(unchanged('There is no cutover window to clear.')) };
  const was = `${c.window.start} – ${c.window.end}`;
  a.ch.emit({ type: 'window.cleared', start: c.window.start, end: c.window.end });
  delete c.window;
  return { ch: a.ch, step: done(`Cutover window cleared; it was ${was} (UTC).`) };
}

export const windowHandlers: Handlers<'window' | 'window.clear'> = {
  window: window,
  'window.clear': windowClear,
};
