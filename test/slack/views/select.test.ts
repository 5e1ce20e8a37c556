/** The item select of a form (src/slack/views/select.ts): static within 100 options, else loaded as one types. */
import { describe, expect, it } from 'vitest';
import { choiceElement, matchingChoices } from '../../../src/slack/views/select.js';

const choices = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ text: `Blocker ${i + 1}: title ${i + 1}`, value: `b-${i + 1}` }));

describe('a form’s item select', () => {
  it('is a static select of every item while they fit in 100 options, the one named preselected', () => {
    const el = choiceElement(choices(100), 'b-7');
    expect(el.type).toBe('static_select');
    expect('options' in el && el.options).toHaveLength(100);
    expect(el.initial_option?.value).toBe('b-7');
  });

  it('past 100 items is an external select, the one named still preselected', () => {
    const el = choiceElement(choices(101), 'b-101');
    expect(el).toMatchObject({ type: 'external_select', min_query_length: 0 });
    expect(el).not.toHaveProperty('options');
    expect(el.initial_option?.value).toBe('b-101');
  });

  it('answers what was typed: the id typed whole first, then ids beginning so, then words of the title', () => {
    const all = choices(250);
    expect(matchingChoices(all, '').map((o) => o.value)).toHaveLength(100);
    expect(
      matchingChoices(all, 'b-25')
        .map((o) => o.value)
        .slice(0, 3),
    ).toEqual(['b-25', 'b-250']);
    expect(matchingChoices(all, 'TITLE 250').map((o) => o.value)).toEqual(['b-250']);
    expect(matchingChoices(all, 'nothing like it')).toEqual([]);
    expect(matchingChoices(all, 'blocker').length).toBe(100);
  });
});
