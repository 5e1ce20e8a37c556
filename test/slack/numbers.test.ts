/**
 * Numbers people type, in forms and commands, are read by one parser (issue 24): whole numbers in decimal digits
 * within a stated range. Hex (`0x10`), exponents (`1e3`), fractions, signs and other digits are refused, and the
 * refusal names the field and the range.
 */
import { describe, expect, it } from 'vitest';
import { Command, REMINDER_RANGES } from '../../src/core/schema.js';
import { parseCommand } from '../../src/slack/parse-command.js';
import { wholeNumber, wholeRange } from '../../src/slack/typed-text.js';

const errorOf = (text: string) => {
  const p = parseCommand(text);
  if (p.kind !== 'error') throw new Error(`${text} was read: ${JSON.stringify(p)}`);
  return p.message;
};

describe('the one number parser', () => {
  it('reads decimal digits within the range, and nothing else', () => {
    const hours = REMINDER_RANGES.hours;
    expect(wholeNumber('24', hours)).toBe(24);
    expect(wholeNumber(' 720 ', hours)).toBe(720);
    expect(wholeNumber('007', hours)).toBe(7);
    for (const typed of [
      '0x10',
      '1e3',
      '1.5',
      '-1',
      '+5',
      '0',
      '721',
      'Infinity',
      'NaN',
      '',
      ' ',
      '١٢',
      '1 2',
      '24h',
    ])
      expect(wholeNumber(typed, hours), typed).toBeUndefined();
    expect(wholeNumber(undefined, hours)).toBeUndefined();
    expect(wholeNumber('9'.repeat(400), hours)).toBeUndefined();
    expect(wholeRange(hours, 'hours')).toBe('a whole number of hours from 1 to 720');
  });

  it('the core takes reminders in whole hours within the range, naming it', () => {
    const set = (reminders: Record<string, unknown>) =>
      Command.safeParse({ type: 'reminders.set', reminders });
    expect(set({ signoffAfterHours: 24, windowLeadHours: [24, 1], digestHour: 9 }).success).toBe(true);
    for (const bad of [0.5, 0, 721, -1, 1e300]) {
      const r = set({ signoffAfterHours: bad });
      expect(r.success, String(bad)).toBe(false);
      expect(r.error?.issues[0]?.message).toBe('give a whole number of hours from 1 to 720');
    }
    expect(set({ windowLeadHours: [1, 2, 3, 4, 5, 6] }).error?.issues[0]?.message).toBe(
      'give at most 5 window notices',
    );
    expect(set({ digestHour: 24 }).success).toBe(false);
  });
});

describe('/cutover reminders and history', () => {
  it('refuses hours in hex, with an exponent, a fraction or out of range, naming the key and the range', () => {
    for (const typed of ['0x10', '1e3', '1.5h', '721h', '31d', '0h'])
      expect(errorOf(`reminders signoff ${typed}`)).toBe(
        `\`${typed}\` is not a number of hours for \`signoff\`: give a whole number of hours from 1 to 720, written as 24h (or 2d).`,
      );
    expect(errorOf('reminders lead 24h,0x10')).toBe(
      '`24h,0x10` is not a list of hours for `lead`: give each as a whole number of hours from 1 to 720, such as 24h,1h.',
    );
    expect(errorOf('reminders lead 1,2,3,4,5,6')).toBe(
      '`1,2,3,4,5,6` has more than 5 hours for `lead`: give at most 5.',
    );
    const ok = parseCommand('reminders signoff 30d stale 48 lead 24h,1h');
    expect(ok).toMatchObject({
      kind: 'change',
      command: { reminders: { signoffAfterHours: 720, blockerStaleHours: 48, windowLeadHours: [24, 1] } },
    });
  });

  it('refuses a history size or page in hex or with an exponent', () => {
    expect(errorOf('history 0x10')).toBe('n is a whole number from 1 to 100.');
    expect(errorOf('history 1e1')).toBe('n is a whole number from 1 to 100.');
    expect(errorOf('history page 0x2')).toBe('The page is a whole number from 1 (the newest).');
    expect(parseCommand('history 20 page 2')).toEqual({ kind: 'history', limit: 20, page: 2 });
  });
});
