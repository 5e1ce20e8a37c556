/** Primitives: ids, SHAs, tags, URLs, instants, and the status words. */
import { z } from 'zod';

/**
 * Zero-width and bidirectional control characters: invisible, or reordering what follows, so that
 * `https://evil.example/\u202Efdp.exe` reads as "…exe.pdf". U+200B–U+200F (zero-width spaces, joiners, LRM/RLM),
 * U+202A–U+202E (embeddings and overrides), U+2066–U+2069 (isolates), U+FEFF (zero-width no-break space), and their
 * kin U+061C (Arabic letter mark) and U+2060–U+2064 (word joiner, invisible operators). Refused in ids, tags and
 * links; shown visibly (`showInvisible`) everywhere typed text is rendered.
 */
export const INVISIBLE = /[\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'g');

/** `U+202E`: a character's code point as people write it. */
const codePoint = (ch: string) => `U+${ch.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')}`;

/** `U+202E` for each invisible character in `s`, for messages. */
const invisibleNames = (s: string) => [...new Set(s.match(INVISIBLE_ALL) ?? [])].map(codePoint);

/**
 * `s` with each invisible character shown as `[U+202E]`, so it can neither hide nor reorder text. Brackets, not
 * `<…>`: the mark must read the same in Slack mrkdwn (where `<` starts a link) and in Markdown.
 */
export const showInvisible = (s: string) => s.replace(INVISIBLE_ALL, (ch) => `[${codePoint(ch)}]`);

/** A refinement naming the invisible characters a typed value holds. */
const noInvisible = (what: string) =>
  [
    (s: string) => !INVISIBLE.test(s),
    {
      error: (iss: { input?: unknown }) =>
        `${what} holds an invisible character (${invisibleNames(String(iss.input ?? '')).join(', ')}): retype it without one`,
    },
  ] as const;

/**
 * Names of a JavaScript object's internals. An id becomes a key (of a snapshot, a sign-off's gates, a lookup table),
 * so these are refused as ids, like any other malformed id, wherever an id is read.
 */
export const RESERVED_IDS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** Ids people type in commands: lower-case letters, digits, dots, dashes; never one of `RESERVED_IDS`. */
export const Id = z
  .string()
  .refine(...noInvisible('the id'))
  .refine((s) => !RESERVED_IDS.includes(s), {
    error: (iss) =>
      `"${String(iss.input)}" names an internal of the bot's objects (${RESERVED_IDS.join(', ')} are reserved): choose another id`,
  })
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'use lower-case letters, digits, "-", "." or "_" (at most 64)');
export type Id = z.infer<typeof Id>;

export const SlackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'a Slack user id looks like U012ABCDEF');
export type SlackUserId = z.infer<typeof SlackUserId>;

/**
 * Who holds a role: a person (U…/W…), or a Slack user group (S…, an on-call rotation): any member acts for it, and
 * rules about people (two different people sign) still count people.
 */
export const RoleHolder = z
  .string()
  .regex(/^([UW][A-Z0-9]{2,}|S[A-Z0-9]{2,})$/, 'a Slack user id (U012ABCDEF) or user-group id (S012ABCDEF)');
export type RoleHolder = z.infer<typeof RoleHolder>;

/** Whether a role holder is a user group. */
export const isGroup = (holder: string | null | undefined): holder is string =>
  !!holder && holder.startsWith('S');

/** A full 40-hex commit SHA, stored lower-case. */
export const CommitSha = z
  .string()
  .trim()
  .regex(/^[0-9a-fA-F]{40}$/, 'give the full 40-character hex commit SHA')
  .transform((s) => s.toLowerCase());

/** A release tag as git allows it, without spaces. */
export const ReleaseTag = z
  .string()
  .trim()
  .min(1, 'give the release tag')
  .max(128, 'a tag has at most 128 characters')
  .refine(...noInvisible('the tag'))
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._/+-]*$/,
    'a tag has letters, digits, ".", "_", "/", "+" or "-" and no spaces',
  );

/**
 * A link a person or CI gives. `new URL()` silently drops tabs and newlines inside a link, so a link with any
 * whitespace or control character inside it is refused (it could carry a forged line), as is one with an invisible
 * character; what is stored is the URL as `new URL()` normalises it.
 */
export const HttpUrl = z
  .string()
  .trim()
  .max(2000, 'a link has at most 2000 characters')
  .refine((s) => /^https?:\/\//i.test(s), 'give a full http(s) link, such as https://ci.example.com/run/42')
  .refine(
    (s) => !/[\s\p{Cc}]/u.test(s),
    'a link has no spaces, line breaks or control characters: give one link',
  )
  .refine(...noInvisible('the link'))
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname.length > 0;
    } catch {
      return false;
    }
  }, 'give a full http(s) link, such as https://ci.example.com/run/42')
  .transform((s) => new URL(s).href);

/** An instant, stored as an ISO 8601 UTC string. */
export const Instant = z.iso.datetime({ offset: true });

export const Text = (max: number, field: string) =>
  z.string().trim().min(1, `give the ${field}`).max(max, `the ${field} has at most ${max} characters`);

export const GoNoGo = z.enum(['go', 'no-go']);
export type GoNoGo = z.infer<typeof GoNoGo>;
export const GateStatus = z.enum(['green', 'red', 'pending']);
export type GateStatus = z.infer<typeof GateStatus>;
export const PhaseStatus = z.enum(['not-started', 'started', 'closed']);
export type PhaseStatus = z.infer<typeof PhaseStatus>;
export const BlockerStatus = z.enum(['open', 'cleared']);
export type BlockerStatus = z.infer<typeof BlockerStatus>;
