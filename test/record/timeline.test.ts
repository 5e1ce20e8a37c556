/**
 * The record's cutover timeline, checked by Mermaid's own parser: `mermaid.parse` must accept it, and the diagram
 * Mermaid builds from it (its title, sections, periods and events) must be exactly the moments the record meant —
 * so no typed text (`:`, `;`, `#`, quotes, line breaks, `%%`, `-->`, backticks, `<script>`) added, split or hid
 * one. Mermaid sanitises labels with DOMPurify, which needs a DOM: happy-dom provides one, in this file only.
 */
import { Window } from 'happy-dom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cutover, Signoff, Target } from '../../src/core/schema.js';
import { decisionRecord } from '../../src/record/decision-record.js';
import {
  shownText,
  TIMELINE_CHARS,
  TIMELINE_ENTRIES,
  timelineDiagram,
  timelineEntries,
} from '../../src/record/timeline.js';
import { newDocument, type StoreDocument } from '../../src/service/document.js';
import { A, run, SHA1, seeded, sha, T0, TAG1, U } from '../core/fixtures.js';
import { largeProgram } from '../fixtures/programs.js';
import { busyDoc, HOSTILE, NAMES, NOW, section, withNames } from './helpers.js';

type Mermaid = typeof import('mermaid').default;
let mermaid: Mermaid;

// Test files share their worker (vitest.config.ts: no isolation), so the DOM is put back as it was after this file.
const dom = new Window();
const before = { window: Reflect.get(globalThis, 'window'), document: Reflect.get(globalThis, 'document') };

beforeAll(async () => {
  Object.assign(globalThis, { window: dom, document: dom.document });
  mermaid = (await import('mermaid')).default;
}, 30_000);

afterAll(async () => {
  for (const [key, value] of Object.entries(before))
    if (value === undefined) Reflect.deleteProperty(globalThis, key);
    else Reflect.set(globalThis, key, value);
  await dom.happyDOM.close();
});

/** Mermaid's entity placeholders (`#58;` as it holds it while parsing) back to the characters they stand for. */
const decode = (s: string) =>
  s.replace(/\uFB02\u00B0\u00B0(\d+)\u00B6\u00DF/g, (_, n: string) => String.fromCodePoint(Number(n))).trim();

interface Parsed {
  title: string;
  sections: string[];
  tasks: { section: string; period: string; events: string[] }[];
}

/** The diagram as Mermaid's parser reads it; throws as Mermaid would refuse it. */
async function parsed(text: string): Promise<Parsed> {
  expect(await mermaid.parse(text)).toMatchObject({ diagramType: 'timeline' });
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db as unknown as {
    getCommonDb(): { getDiagramTitle(): string };
    getSections(): string[];
    getTasks(): { section: string; task: string; events: string[] }[];
  };
  return {
    title: decode(db.getCommonDb().getDiagramTitle()),
    sections: db.getSections().map(decode),
    tasks: db.getTasks().map((t) => ({
      section: decode(t.section),
      period: decode(t.task),
      events: t.events.map(decode),
    })),
  };
}

/** The Markdown of the record's timeline: the one ```mermaid block. */
function block(md: string): string {
  const timeline = section(md, 'Cutover Timeline');
  const m = /(?:^|\n)```mermaid\n([\s\S]*?)\n```(?:\n|$)/.exec(timeline);
  if (!m?.[1]) throw new Error(`no mermaid block in:\n${timeline}`);
  return m[1];
}

const plainName = (doc: StoreDocument) => (by: string) => doc.users[by]?.name ?? by;

/** What the diagram must say: every moment shown, in time order, as its text reads on one line. */
async function expectExactly(doc: StoreDocument, md: string) {
  const entries = timelineEntries(doc, plainName(doc));
  const text = block(md);
  const got = await parsed(text);
  const events = got.tasks.flatMap((t) => t.events);
  const shown = entries.slice(entries.length - events.length);
  expect(events).toEqual(shown.map((e) => shownText(e.text)));
  expect(got.title).toBe(shownText(doc.cutover.title));
  // A section per UTC day, a period per minute.
  expect(got.sections).toEqual([...new Set(shown.map((e) => e.at.slice(0, 10)))]);
  expect(got.tasks.map((t) => `${t.section} ${t.period}`)).toEqual([
    ...new Set(shown.map((e) => `${e.at.slice(0, 10)} ${new Date(e.at).toISOString().slice(11, 16)} UTC`)),
  ]);
  return { entries, events, text };
}

describe('the cutover timeline (Mermaid)', () => {
  it('of a busy program, Mermaid parses it into exactly the moments of the cutover, in time order', async () => {
    const doc = busyDoc(newDocument(seeded()));
    const md = decisionRecord(doc, NOW);
    const { events } = await expectExactly(doc, md);
    expect(events).toEqual(
      expect.arrayContaining([
        `Release target ${TAG1} @ ${SHA1.slice(0, 12)} published by Robin Release`,
        `Release target ${TAG1} @ ${SHA1.slice(0, 12)} approved by Riley Repin`,
        `MemoryKernel signed NO-GO on ${TAG1} @ ${SHA1.slice(0, 12)} (Pat Producer)`,
        "MemoryKernel's NO-GO sign-off voided",
        'Gate Producer verification suite green: green on service.v3.0.1 (CI: GitHub Actions)',
        'Decision Runtime cutover execution: GO (Logan Log)',
        'Phase 8 started',
        'Cutover window set by Logan Log',
        'Cutover window opens',
        'Cutover window closes',
      ]),
    );
    expect(events.at(-1)).toBe('Cutover window closes');
  });

  it('a hostile title, name or side (":", ";", "#", quotes, line breaks, "%%", "-->", backticks, <script>) cannot break the diagram or add to it', async () => {
    let c = seeded();
    c = { ...c, title: HOSTILE, sides: c.sides.map((s) => ({ ...s, name: `${s.name} ${HOSTILE}` })) };
    for (const [i, title] of [
      HOSTILE,
      '```\n## Forged',
      '%%{init: {"securityLevel":"loose"}}%%',
      'a : b : c',
    ].entries())
      c = run(
        c,
        { type: 'gate.add', gate: `hostile-${i}`, title, owner: 'decision-log-owner' },
        A.dlo,
      ).cutover;
    c = run(c, { type: 'target.publish', tag: TAG1, sha: SHA1 }, A.pro).cutover;
    for (let i = 0; i < 4; i++)
      c = run(
        c,
        { type: 'gate.set', gate: `hostile-${i}`, status: 'green' },
        A.dlo,
        new Date(T0.getTime() + i * 60_000),
      ).cutover;
    c = run(c, { type: 'signoff', side: 'producer', decision: 'no-go', rationale: HOSTILE }, A.pic).cutover;
    const doc = {
      ...withNames(newDocument(c)),
      users: Object.fromEntries(
        Object.keys(NAMES).map((id) => [
          id,
          { name: `${NAMES[id]} ${HOSTILE}`, fetchedAt: T0.toISOString() },
        ]),
      ),
    };
    const md = decisionRecord(doc, NOW);
    const { text, events } = await expectExactly(doc, md);
    expect(events.length).toBeGreaterThanOrEqual(6);
    // What Mermaid and the fence act on is encoded: no line break inside a moment, no backtick, no %%, no <.
    expect(text.replace(/#\d+;/g, '')).not.toMatch(/[`<>"%;{}#]|-->/);
    // Each line has at most the one ":" that parts a period from its event.
    expect(text.split('\n').filter((l) => (l.match(/:/g) ?? []).length > 1)).toEqual([]);
    expect(text.split('\n').filter((l) => /^\s*(title|section)\b/.test(l))).toEqual([
      expect.stringMatching(/^ {4}title /),
      '    section 2026-02-09',
    ]);
    // The fence closes where the record means it to.
    expect(md.split('\n').filter((l) => l.startsWith('```'))).toEqual(['```mermaid', '```']);
  });

  it("of the largest program, within Mermaid's 50,000 characters, parsed exactly, saying how many moments it leaves out", async () => {
    const big = largeProgram();
    const stamp = (i: number, by: string = U.pro) => ({
      by,
      at: new Date(T0.getTime() + i * 60_000).toISOString(),
    });
    const targets: Target[] = Array.from({ length: 60 }, (_, i) => ({
      tag: `big.v9.${i}`,
      sha: sha(`big ${i}`),
      published: stamp(i * 10),
      approved: stamp(i * 10 + 1, U.cro),
      ...(i < 59 ? { superseded: stamp(i * 10 + 10) } : {}),
    }));
    const gates = big.gates.map((g, gi) => ({
      ...g,
      results: Array.from({ length: 20 }, (_, i) => ({
        sha: targets[i]?.sha ?? null,
        tag: targets[i]?.tag ?? 'x',
        status: i % 2 ? ('green' as const) : ('red' as const),
        by: U.pic,
        at: stamp(i * 10 + (gi % 10)).at,
      })),
    }));
    const signoffs: Signoff[] = big.sides.flatMap((s, si) =>
      targets.map((t, i) => ({
        side: s.id,
        decision: 'go' as const,
        by: `U${si}SIGN`,
        at: stamp(i * 10 + 2).at,
        target: { tag: t.tag, sha: t.sha },
        gates: {},
        asAdmin: false,
        ...(i < 59 ? { voided: { at: stamp(i * 10 + 10).at, reason: 'release target changed' } } : {}),
      })),
    );
    const cutover: Cutover = {
      ...big,
      targets,
      gates,
      signoffs,
      window: { start: stamp(2000).at, end: stamp(2240).at, set: stamp(700, U.dlo) },
    };
    const doc: StoreDocument = { ...newDocument(big), cutover };
    const md = decisionRecord(doc, NOW);
    const { entries, events, text } = await expectExactly(doc, md);
    expect(text.length).toBeLessThan(TIMELINE_CHARS + 500);
    expect(text.length).toBeLessThan(50_000);
    expect(events.length).toBeGreaterThan(0);
    expect(events.length).toBeLessThanOrEqual(TIMELINE_ENTRIES);
    const left = entries.length - events.length;
    expect(left).toBeGreaterThan(1000);
    expect(section(md, 'Cutover Timeline')).toContain(
      `The newest ${events.length} moments; ${left} earlier ones are in the sections and the history below.`,
    );
  });

  it('a moment of one line is shown as typed; a long one is clipped, not cut inside an encoded character', async () => {
    const long = `${'é:'.repeat(100)}`;
    const d = timelineDiagram(long, [{ at: T0.toISOString(), text: long }]);
    const got = await parsed(d.text);
    expect(got.tasks[0]?.events).toEqual([shownText(long)]);
    expect(shownText(long)).toHaveLength(120);
    expect(shownText(long).endsWith('…')).toBe(true);
  });

  it('the check is not vacuous: an unencoded ":" in a moment would split it in two, and an unencoded line break add a section', async () => {
    const raw = await parsed(
      'timeline\n    title x\n    section 2026-02-09\n        09 : a : b\n    section Forged\n        10 : c',
    );
    expect(raw.tasks.flatMap((t) => t.events)).toEqual(['a', 'b', 'c']);
    expect(raw.sections).toEqual(['2026-02-09', 'Forged']);
  });

  it('a program nobody has changed yet has no diagram, and says so', () => {
    expect(section(decisionRecord(newDocument(seeded()), NOW), 'Cutover Timeline')).toContain(
      'Nothing has happened on this cutover yet.',
    );
  });
});

describe('the timeline beyond the history held', () => {
  it("a decision whose change is no longer in the history held is still on the timeline, from the decision's own stamp", () => {
    const doc = busyDoc(newDocument(seeded()));
    const texts = (d: StoreDocument) => timelineEntries(d, plainName(d)).map((e) => e.text);
    const decided = 'Decision Runtime cutover execution: GO (Logan Log)';
    expect(texts(doc).filter((t) => t === decided)).toHaveLength(1);
    expect(texts({ ...doc, history: [] }).filter((t) => t === decided)).toHaveLength(1);
  });
});
