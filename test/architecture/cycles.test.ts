/**
 * The ring has no cycles. The folders of src/ are layers, and an import points only down them (README, "The
 * layers"):
 *
 *   root       bot.ts, main.ts and the CLIs: wire everything
 *   migrate    the JSON-to-PostgreSQL import: a tool over the service's document and the store's adapters
 *   alerts     alerts, the status board, reminders: Slack messages built from Slack's views and ids
 *   github     the deployment protection rule
 *   http       the CI API (it serves the record)
 *   slack      the Bolt app, its listeners and pure views (`/cutover record` uploads the record)
 *   record     the decision record: Markdown, its timeline, its ledger
 *   service    the one way a change happens, and the document it writes
 *   store      the port and its adapters
 *   runtime    the clock, the worker lifecycle, the environment
 *   format     the neutral words every surface says alike (utcStamp, goWord, commitLabel, targetLabel)
 *   core       the rules; it imports nothing of the project but itself (a Biome rule, boundary.test.ts)
 *
 * Folders on one row of LAYERS may not import each other. Inside src/slack, listeners render with views, and a view
 * never reaches a listener (a command handler): views are pure functions of what they are given.
 * Each test names the cycle or the upward import and the files that make it.
 */
import { describe, expect, it } from 'vitest';
import {
  type Cycle,
  cyclesOf,
  describeCycle,
  groupGraph,
  groupOf,
  type ImportEdge,
  importsOf,
  specifiersOf,
} from './imports.js';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Top to bottom: a folder may import the folders on the rows below its own, never its own row's or above. */
const LAYERS: readonly (readonly string[])[] = [
  ['root'],
  ['migrate'],
  ['alerts', 'github', 'http'],
  ['slack'],
  ['record'],
  ['service'],
  ['store'],
  ['runtime', 'format'],
  ['core'],
];
/** Inside src/slack (the rest of src/slack, app.ts, ids.ts, …, sits beside both). */
const SLACK_LAYERS: readonly (readonly string[])[] = [['slack/listeners'], ['slack/views']];

/** Every import that goes up the layers or across a row, as `group -> group: file -> file`. */
function upward(graph: Map<string, Map<string, string[]>>, layers: readonly (readonly string[])[]): string[] {
  const row = (g: string) => layers.findIndex((r) => r.includes(g));
  const out: string[] = [];
  for (const [a, targets] of graph) {
    for (const [b, files] of targets) {
      const ra = row(a);
      const rb = row(b);
      if (ra < 0 || rb < 0 || ra < rb) continue;
      for (const f of files) out.push(`${a} -> ${b}: ${f}`);
    }
  }
  return out.sort();
}

const edges = importsOf(ROOT);
const folders = groupGraph(edges, (p) => groupOf(p));
const slack = groupGraph(edges, (p) => groupOf(p, 'slack'));
const bySlackPair = new Map(
  [...slack]
    .filter(([g]) => g !== 'slack')
    .map(([g, m]) => [g, new Map([...m].filter(([t]) => t !== 'slack'))]),
);

describe('the ring has no cycles', () => {
  it('the import graph of src/ is read (the check is not vacuous)', () => {
    expect(edges.length).toBeGreaterThan(300);
    expect(folders.get('slack')?.has('core')).toBe(true);
    expect(slack.get('slack/listeners')?.has('slack/views')).toBe(true);
  });

  it('no import cycle between the folders of src/ (core, format, runtime, store, service, record, slack, http, github, alerts, migrate, the root files)', () => {
    expect(cyclesOf(folders).map(describeCycle)).toEqual([]);
  });

  it('no import cycle between src/slack/views and src/slack/listeners: views never import a command handler', () => {
    expect(cyclesOf(bySlackPair).map(describeCycle)).toEqual([]);
    expect(upward(bySlackPair, SLACK_LAYERS)).toEqual([]);
  });

  it('every folder of src/ is on a row of the layers', () => {
    const named = new Set(LAYERS.flat());
    const unnamed = [...new Set(edges.flatMap((e) => [groupOf(e.from), groupOf(e.to)]))].filter(
      (g) => g !== undefined && !named.has(g),
    );
    expect(unnamed).toEqual([]);
  });

  it('every import points down the layers', () => {
    expect(upward(folders, LAYERS)).toEqual([]);
  });
});

/** The checks themselves, on small graphs in memory: each fails on what it must refuse. */
describe('the cycle finder', () => {
  const graphOf = (imports: [string, string][]) =>
    groupGraph(
      imports.map(([from, to]): ImportEdge => ({ from, to })),
      (p) => groupOf(p),
    );

  it('finds a cycle of two folders, naming both and the files that make it', () => {
    const cycles = cyclesOf(
      graphOf([
        ['src/alerts/messages.ts', 'src/slack/views/text.ts'],
        ['src/slack/views/home.ts', 'src/alerts/channel-problem.ts'],
        ['src/slack/app.ts', 'src/core/schema.ts'],
      ]),
    );
    expect(cycles).toEqual<Cycle[]>([
      {
        groups: ['alerts', 'slack'],
        files: [
          'src/alerts/messages.ts -> src/slack/views/text.ts',
          'src/slack/views/home.ts -> src/alerts/channel-problem.ts',
        ],
      },
    ]);
    expect(describeCycle(cycles[0] as Cycle)).toBe(
      [
        'import cycle alerts -> slack -> alerts:',
        '  src/alerts/messages.ts -> src/slack/views/text.ts',
        '  src/slack/views/home.ts -> src/alerts/channel-problem.ts',
      ].join('\n'),
    );
  });

  it('finds a cycle through three folders and a root file', () => {
    const cycles = cyclesOf(
      graphOf([
        ['src/bot.ts', 'src/store/store.ts'],
        ['src/store/memory.ts', 'src/service/document.ts'],
        ['src/service/programs.ts', 'src/clock.ts'],
      ]),
    );
    expect(cycles.map((c) => c.groups)).toEqual([['root', 'store', 'service']]);
    expect(cycles[0]?.files).toEqual([
      'src/bot.ts -> src/store/store.ts',
      'src/store/memory.ts -> src/service/document.ts',
      'src/service/programs.ts -> src/clock.ts',
    ]);
  });

  it('finds none in a graph that only points down', () => {
    expect(
      cyclesOf(
        graphOf([
          ['src/bot.ts', 'src/slack/app.ts'],
          ['src/slack/app.ts', 'src/service/programs.ts'],
          ['src/service/programs.ts', 'src/core/schema.ts'],
          ['src/bot.ts', 'src/core/schema.ts'],
        ]),
      ),
    ).toEqual([]);
  });

  it('a view importing a listener is a cycle of views and listeners', () => {
    const pair = groupGraph(
      [
        { from: 'src/slack/listeners/commands/cutover.ts', to: 'src/slack/views/status.ts' },
        { from: 'src/slack/views/lists.ts', to: 'src/slack/listeners/commands/new-program.ts' },
        { from: 'src/slack/views/lists.ts', to: 'src/slack/ids.ts' },
      ],
      (p) => groupOf(p, 'slack'),
    );
    pair.delete('slack');
    for (const m of pair.values()) m.delete('slack');
    expect(cyclesOf(pair).map((c) => c.groups)).toEqual([['slack/listeners', 'slack/views']]);
    expect(upward(pair, SLACK_LAYERS)).toEqual([
      'slack/views -> slack/listeners: src/slack/views/lists.ts -> src/slack/listeners/commands/new-program.ts',
    ]);
  });

  it('an import up the layers, or across a row, is named even without a cycle', () => {
    expect(
      upward(
        graphOf([
          ['src/record/decision-record.ts', 'src/slack/views/text.ts'],
          ['src/alerts/board.ts', 'src/http/ci-api.ts'],
          ['src/slack/app.ts', 'src/record/decision-record.ts'],
        ]),
        LAYERS,
      ),
    ).toEqual([
      'alerts -> http: src/alerts/board.ts -> src/http/ci-api.ts',
      'record -> slack: src/record/decision-record.ts -> src/slack/views/text.ts',
    ]);
  });

  it('reads imports, re-exports, type imports and dynamic imports, and not an example in a comment', () => {
    expect(
      specifiersOf(
        [
          "import type { A } from '../a.js';",
          "import {\n  b,\n  type C,\n} from './b.js';",
          "export { d } from '../d.js';",
          "const e = await import('./e.js');",
          "import { z } from 'zod';",
          "/** e.g. import { x } from '../x.js'; */",
          "// import { y } from '../y.js';",
        ].join('\n'),
      ),
    ).toEqual(['../a.js', './b.js', '../d.js', './e.js']);
  });
});
