/**
 * The import graph of src/, read from the files themselves: every relative `import … from`, `export … from` and
 * `import('…')` (type-only imports too: a type import is a dependency a reader must follow). Comments are dropped
 * first, so an example in a doc comment is not an import. Files are grouped into the ring's folders (see LAYERS in
 * cycles.test.ts), and `cyclesOf` finds every cycle between groups, each with the files that make it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** One import: `from` imports `to` (both repo-relative, `src/…`). */
export interface ImportEdge {
  from: string;
  to: string;
}

const SPECIFIER = /\b(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/** A file's text without its comments (a `//` inside a string, such as a URL, is kept: only whole-line comments go). */
export const withoutComments = (text: string) =>
  text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

/** The relative specifiers a module imports or re-exports, in order. */
export function specifiersOf(text: string): string[] {
  return [...withoutComments(text).matchAll(SPECIFIER)].map((m) => m[1] ?? '');
}

/** Every import between the project's own files under `srcDir` (repo-relative paths, `.ts`). */
export function importsOf(root: string, srcDir = 'src'): ImportEdge[] {
  const base = join(root, srcDir);
  const files = readdirSync(base, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(base, f));
  const edges: ImportEdge[] = [];
  for (const file of files) {
    for (const spec of specifiersOf(readFileSync(file, 'utf8'))) {
      const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
      edges.push({ from: relative(root, file), to: relative(root, target) });
    }
  }
  return edges;
}

/**
 * The ring's folder of a file under src/: its top-level folder (`core`, `slack`, …), or `root` for src/*.ts. With
 * `within: 'slack'`, src/slack/views and src/slack/listeners are groups of their own (the rest of src/slack is
 * `slack`), and files outside src/slack have no group.
 */
export function groupOf(path: string, within?: 'slack'): string | undefined {
  const parts = path.split('/').slice(1);
  if (within === 'slack') {
    if (parts[0] !== 'slack') return undefined;
    return parts.length > 2 && (parts[1] === 'views' || parts[1] === 'listeners')
      ? `slack/${parts[1]}`
      : 'slack';
  }
  return parts.length === 1 ? 'root' : parts[0];
}

/** The imports from one group to another, each with the file imports that make it (`a.ts -> b.ts`). */
export function groupGraph(
  edges: readonly ImportEdge[],
  group: (path: string) => string | undefined,
): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const e of edges) {
    const a = group(e.from);
    const b = group(e.to);
    if (a === undefined || b === undefined || a === b) continue;
    const out = graph.get(a) ?? new Map<string, string[]>();
    graph.set(a, out);
    const files = out.get(b) ?? [];
    out.set(b, files);
    const line = `${e.from} -> ${e.to}`;
    if (!files.includes(line)) files.push(line);
  }
  return graph;
}

/** A cycle between groups: its groups in import order (the first imports the second, …, the last the first). */
export interface Cycle {
  groups: string[];
  /** For each step of the cycle, the file imports that make it. */
  files: string[];
}

/**
 * Every cycle's strongly connected set of groups (Tarjan), each shown as one shortest cycle through its first
 * group (a set of three mutually importing groups is one entry: breaking it may need more than one edge cut).
 */
export function cyclesOf(graph: Map<string, Map<string, string[]>>): Cycle[] {
  const nodes = [...new Set([...graph.keys(), ...[...graph.values()].flatMap((m) => [...m.keys()])])].sort();
  const next = (n: string) => [...(graph.get(n)?.keys() ?? [])].sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const sets: string[][] = [];
  let counter = 0;
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) === index.get(v)) {
      const set: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        set.push(w);
      } while (w !== v);
      if (set.length > 1) sets.push(set.sort());
    }
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  return sets
    .map((set) => {
      const start = set[0] ?? '';
      // Breadth first inside the set: the shortest way from `start` back to itself.
      const from = new Map<string, string>();
      const queue = [start];
      while (queue.length > 0) {
        const v = queue.shift() ?? '';
        for (const w of next(v)) {
          if (!set.includes(w) || from.has(w)) continue;
          from.set(w, v);
          queue.push(w);
        }
        if (from.has(start)) break;
      }
      const groups: string[] = [];
      let at = from.get(start);
      while (at !== undefined && at !== start) {
        groups.unshift(at);
        at = from.get(at);
      }
      groups.unshift(start);
      const files = groups.flatMap((g, i) => graph.get(g)?.get(groups[(i + 1) % groups.length] ?? '') ?? []);
      return { groups, files };
    })
    .sort((a, b) => a.groups.join().localeCompare(b.groups.join()));
}

/** A cycle as a failing test says it: `alerts -> slack -> alerts`, then each file import on its own line. */
export const describeCycle = (c: Cycle) =>
  [`import cycle ${[...c.groups, c.groups[0]].join(' -> ')}:`, ...c.files.map((f) => `  ${f}`)].join('\n');
