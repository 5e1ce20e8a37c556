/**
 * The programs the bot holds: one `CutoverService` per program, each on its own document of the store's layout
 * (store/store.ts `Layout`), and the catalog that says which are committed. A program lives in one channel; an
 * archived program keeps its channel in its record, and the channel may host a new one.
 *
 * Starting a program is one request applied once: its document (the template's structure, bound to the channel,
 * with its first history line and alert) is written first, then the catalog lists it — the commit point. A
 * document that no catalog entry lists (a start interrupted between the two) is taken over when the id is next used.
 * Starts are decided one at a time in this process, so two requests cannot both take one id or one channel.
 */
import { actorName } from '../core/commands.js';
import type { DomainError } from '../core/errors.js';
import { newProgram } from '../core/program.js';
import type { Actor, Cutover, HistoryEntry } from '../core/schema.js';
import { channelFree } from '../core/starting.js';
import { type Layout, type Store, StoreError, type StoreHealth } from '../store/store.js';
import type { Change, CutoverService } from './cutover-service.js';
import { type Catalog, REQUEST_KEY_TTL_MS, StoreDocument } from './document.js';

export interface ProgramsDeps {
  layout: Layout<Catalog, StoreDocument>;
  /** The service of one program's store (with the alerts hook). */
  makeService: (store: Store<StoreDocument>) => CutoverService;
  /** Adds to a new program's first document what its first change adds (the alert that it started). */
  compose?: (doc: StoreDocument, change: Change) => StoreDocument;
}

/** What a person asked to start. */
export interface NewProgramRequest {
  id: string;
  /** The template's structure is copied: a shipped program file, or an existing program. */
  template: Cutover;
  /** How the template is named to people: "programs/service-v3.json", "a copy of service-v3". */
  from: string;
  title: string;
  release: string;
  sides?: Record<string, { name?: string; zone?: string }>;
  roleTitles?: Record<string, string>;
  channel: string;
  /**
   * The template as it is, live state included (the first program of a new store, from `CUTOVER_PROGRAM`, whose
   * file may already name people); otherwise only its structure is kept.
   */
  asIs?: boolean;
}

export type CreateOutcome =
  | { ok: true; service: CutoverService; replayed?: boolean; message: string }
  | { ok: false; field: string; message: string };

export interface Programs {
  /** Every program, archived too, in the order they were started. */
  all(): CutoverService[];
  get(id: string): CutoverService | undefined;
  /** The channel's program that is not archived, if any. */
  inChannel(channel: string): CutoverService | undefined;
  /** The programs not archived. */
  active(): CutoverService[];
  /** Starts a program; a request key applies it once. */
  create(
    request: NewProgramRequest,
    actor: Actor,
    now: Date,
    options?: { requestKey?: string },
  ): Promise<CreateOutcome>;
  /** Hears of every program started from now on; returns an unsubscribe function. */
  onAdded(listener: (service: CutoverService) => void): () => void;
  /** Hears of every committed change of every program (and of those started later). */
  onCommitted(listener: (service: CutoverService, change: Change) => void): () => void;
  /** Hears when another replica committed to a program's document (a shared database). */
  onRemoteChange(listener: (service: CutoverService) => void): () => void;
  /** The catalog's health, then a program document's (they share one place): the first that cannot write says why. */
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}

/** How many program documents are opened at once at start. */
const OPEN_CONCURRENCY = 8;

const BY_BOT = 'cutover-bot';

export async function openPrograms(deps: ProgramsDeps): Promise<Programs> {
  const { layout } = deps;
  const services = new Map<string, CutoverService>();
  const added = new Set<(s: CutoverService) => void>();
  const committed = new Set<(s: CutoverService, change: Change) => void>();
  const changedAny = new Set<(s: CutoverService) => void>();
  let starts: Promise<unknown> = Promise.resolve();

  const missing = (id: string) => (): StoreDocument => {
    throw new StoreError(
      'missing',
      id,
      `The store's catalog lists program ${id}, but its document is missing. Restore it from a backup (or remove ${id} from the catalog) and start again.`,
    );
  };

  const adopt = (service: CutoverService) => {
    const id = service.cutover().id;
    services.set(id, service);
    service.onRemoteChange(() => {
      for (const l of changedAny) l(service);
    });
    service.onCommitted((change) => {
      for (const l of committed)
        try {
          l(service, change);
        } catch (e) {
          console.error('a change listener failed', e);
        }
    });
    return service;
  };

  const entries = layout.catalog.snapshot().programs;
  for (let i = 0; i < entries.length; i += OPEN_CONCURRENCY) {
    const stores = await Promise.all(
      entries.slice(i, i + OPEN_CONCURRENCY).map((e) => layout.documents.open(e.id, missing(e.id))),
    );
    for (const store of stores) adopt(deps.makeService(store));
  }

  // Another replica started a program (a shared database): it is opened here too, and told as one started here.
  let following: Promise<void> = Promise.resolve();
  const follow = () => {
    following = following
      .then(async () => {
        for (const e of layout.catalog.snapshot().programs) {
          if (services.has(e.id)) continue;
          const store = await layout.documents.open(e.id, missing(e.id));
          if (services.has(e.id)) continue;
          const service = adopt(deps.makeService(store));
          for (const l of added)
            try {
              l(service);
            } catch (err) {
              console.error('a program listener failed', err);
            }
        }
      })
      .catch((err: unknown) => console.error('could not open a program another replica started', err));
  };
  const offCatalog = layout.catalog.onChange?.(follow);

  const all = () => [...services.values()];
  const inChannel = (channel: string) =>
    all().find((s) => {
      const c = s.cutover();
      return c.channel === channel && !c.archived;
    });

  async function start(
    request: NewProgramRequest,
    actor: Actor,
    now: Date,
    key: string | undefined,
  ): Promise<CreateOutcome> {
    // Asked of the storage now: another replica may have started programs since this one last heard.
    const catalog = await layout.catalog.read();
    const seen = key ? catalog.requests[key] : undefined;
    if (seen && Date.parse(seen.at) > now.getTime() - REQUEST_KEY_TTL_MS) {
      const service = services.get(request.id);
      if (service) return { ok: true, service, replayed: true, message: seen.message };
    }
    const taken: CreateOutcome = {
      ok: false,
      field: 'id',
      message: `There is already a program "${request.id}" (archived ones keep their id): choose another id.`,
    };
    if (services.has(request.id)) return taken;
    if (catalog.programs.some((p) => p.id === request.id)) {
      // Started by another replica: opened here too, then refused as taken.
      follow();
      await following;
      return taken;
    }
    const free = channelFree(
      request.channel,
      all().map((s) => s.cutover()),
    );
    if (!free.ok) return { ok: false, field: 'channel', message: free.error.message };
    const made = request.asIs
      ? { ok: true as const, cutover: structuredClone(request.template) }
      : newProgram(request.template, {
          id: request.id,
          title: request.title,
          release: request.release,
          sides: request.sides ?? {},
          roleTitles: request.roleTitles ?? {},
        });
    if (!made.ok) return made;
    const cutover: Cutover = { ...made.cutover, channel: request.channel, updated: now.toISOString() };
    const by = actor.kind === 'system' ? BY_BOT : actorName(actor);
    const line: HistoryEntry = {
      seq: 1,
      at: now.toISOString(),
      by,
      asAdmin: false,
      action: 'program.create',
      subject: `program ${cutover.id}`,
      before: '—',
      after: 'started',
      note: `from ${request.from}`,
    };
    const message = `${cutover.title} (${cutover.id}) started from ${request.from}.`;
    // The first program of a new store is the store's starting state, as a program file gives it: no line, no alert.
    const history = request.asIs ? [] : [line];
    const valid = StoreDocument.safeParse({ cutover, history });
    if (!valid.success) {
      const issue = valid.error.issues[0];
      return {
        ok: false,
        field: String(issue?.path.at(-1) ?? 'template'),
        message: `${issue?.path.join('.') ?? 'program'}: ${issue?.message ?? 'not valid'}`,
      };
    }
    const first = valid.data;
    const change: Change = {
      outcome: {
        ok: true,
        cutover,
        events: request.asIs ? [] : [{ type: 'program.created', from: request.from }],
        history,
        message,
      },
      before: cutover,
      actor,
      now,
    };
    const doc = deps.compose ? deps.compose(first, change) : first;
    const store = await layout.documents.open(cutover.id, () => doc);
    // A document that was there already, and no catalog entry lists, is a start that never committed: this start
    // takes its place (its history, only ever appended to, is kept before this start's line).
    const orphan = JSON.stringify(store.snapshot().cutover) !== JSON.stringify(doc.cutover);
    // Another replica's start of this id, committed meanwhile, is not an orphan: it wins.
    if (orphan && (await layout.catalog.read()).programs.some((p) => p.id === cutover.id)) {
      follow();
      await following;
      return taken;
    }
    if (orphan)
      await store.update((orphan) => ({
        next: {
          ...doc,
          history: [
            ...orphan.history,
            ...doc.history.map((h, i) => ({ ...h, seq: (orphan.history.at(-1)?.seq ?? 0) + i + 1 })),
          ],
        },
        result: undefined,
      }));
    // If this fails, the document is an orphan, which the next start of this id takes over.
    const listed = await layout.catalog.update<'listed' | 'taken' | DomainError>((cat) => {
      // Decided again inside the catalog's transaction: a start by another replica meanwhile wins.
      if (cat.programs.some((p) => p.id === cutover.id)) return { result: 'taken' };
      const free = channelFree(
        request.channel,
        cat.programs.map((p) => {
          const opened = services.get(p.id)?.cutover();
          return { id: p.id, channel: p.channel, title: opened?.title, archived: opened?.archived };
        }),
      );
      if (!free.ok) return { result: free.error };
      const requests = Object.fromEntries(
        Object.entries(cat.requests).filter(([, r]) => Date.parse(r.at) > now.getTime() - REQUEST_KEY_TTL_MS),
      );
      if (key) requests[key] = { at: now.toISOString(), message, events: change.outcome.events };
      return {
        next: {
          ...cat,
          programs: [
            ...cat.programs,
            {
              id: cutover.id,
              channel: request.channel,
              createdAt: now.toISOString(),
              ...(actor.kind === 'user' ? { createdBy: actor.userId } : {}),
              from: request.from,
            },
          ],
          requests,
        },
        result: 'listed',
      };
    });
    if (typeof listed === 'object') return { ok: false, field: 'channel', message: listed.message };
    if (listed === 'taken') {
      follow();
      await following;
      return taken;
    }
    const service = adopt(deps.makeService(store));
    for (const l of added)
      try {
        l(service);
      } catch (e) {
        console.error('a program listener failed', e);
      }
    return { ok: true, service, message };
  }

  return {
    all,
    get: (id) => services.get(id),
    inChannel,
    active: () => all().filter((s) => !s.cutover().archived),
    create(request, actor, now, options = {}) {
      const run = starts.then(() => start(request, actor, now, options.requestKey));
      starts = run.catch(() => undefined);
      return run;
    },
    onAdded(listener) {
      added.add(listener);
      return () => added.delete(listener);
    },
    onCommitted(listener) {
      committed.add(listener);
      return () => committed.delete(listener);
    },
    onRemoteChange(listener) {
      changedAny.add(listener);
      return () => changedAny.delete(listener);
    },
    async health() {
      const catalog = await layout.catalog.health();
      if (!catalog.ok) return catalog;
      // The programs' documents share one place (a folder, a database): one of them answers for it, so a health
      // check costs the same however many programs there are.
      const [first] = all();
      return first ? first.health() : { ok: true };
    },
    async close() {
      offCatalog?.();
      await starts;
      await following;
      await layout.documents.close();
      await layout.catalog.close();
    },
  };
}
