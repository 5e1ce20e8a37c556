/**
 * Reading a submitted modal at the edge, the one parser of every form: Slack's state values and our
 * private_metadata, each checked before anything reads them. Whatever the payload holds (no state, values of the
 * wrong type, a datetimepicker at the year 300000, metadata of 200 KB or not JSON, keys such as `__proto__`), the
 * answer is a fault under a field, never a throw: a form a person sees answers inline, and nothing is written.
 */
import { z } from 'zod';
import { INPUT_ACTION } from '../../ids.js';
import { ModalMetadata } from '../../views/modals.js';
import { clip } from '../../views/text.js';

/** Slack's most `private_metadata` (3000 characters): a longer one is not what the bot gave a form. */
export const MAX_METADATA = 3000;

/** The longest text one field carries: Slack's most for a plain_text_input (3000 characters). */
const MAX_VALUE = 3000;

/**
 * The seconds a datetimepicker may carry: the years a window may use (1970 to 9999, core/time.ts), checked before
 * any date arithmetic (a `Date` past ±8.64e15 ms is invalid, and `toISOString` throws).
 */
export const PICKER_SECONDS = { min: 0, max: Math.floor(Date.UTC(9999, 11, 31, 23, 59, 59) / 1000) } as const;

/** What a form said when its payload cannot be read: reopening it gives a fresh one. */
export const UNREADABLE =
  'Slack sent this form without what it holds, or with data the bot did not give it: close the form and open it again. Nothing was changed.';
const BAD_FIELD = 'This field could not be read: fill it in again. Nothing was changed.';
const BAD_TIME = 'Choose a date and time between the years 1970 and 9999. Nothing was changed.';
const TOO_LONG = `This field holds more than ${MAX_VALUE} characters: shorten it. Nothing was changed.`;

const Text = z.string().max(MAX_VALUE, TOO_LONG);

/** One element's state, as Slack reports it (only the fields read; any other is ignored). */
const StateValue = z.object({
  type: z.string().max(100),
  value: Text.nullish(),
  selected_option: z.object({ value: Text }).nullish(),
  /** A users_select's choice. */
  selected_user: z.string().max(100).nullish(),
  /** A datetimepicker's choice: seconds since the epoch. */
  selected_date_time: z.number().nullish(),
});

/** A form's values: block_id -> the one value it holds, trimmed; an empty one is absent. */
export type FormValues = Readonly<Record<string, string | undefined>>;

export type FormRead<M = ModalMetadata> =
  | {
      ok: true;
      values: FormValues;
      meta: M;
      /** The input blocks the submission holds: where a fault can be shown. */
      present: readonly string[];
    }
  | {
      ok: false;
      /** The block the fault is in, when it is one field's. */
      block: string | undefined;
      message: string;
      present: readonly string[];
    };

/**
 * Where a fault shows: under `block` if the submission holds it, else under the first input block it holds (Slack
 * shows an error only under a block of the view submitted).
 */
export const faultUnder = (present: readonly string[], block: string): string =>
  present.length && !present.includes(block) ? (present[0] ?? block) : block;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A member the object holds itself: never one of its prototype's (`constructor`, `__proto__`). */
const own = (o: unknown, key: string): unknown => (isRecord(o) && Object.hasOwn(o, key) ? o[key] : undefined);

/** One block's value, or the fault to show under it. */
function readBlock(entry: unknown): { value: string | undefined } | { fault: string } {
  if (!isRecord(entry)) return { fault: BAD_FIELD };
  const element = own(entry, INPUT_ACTION) ?? Object.values(entry)[0];
  const parsed = StateValue.safeParse(element);
  if (!parsed.success) return { fault: parsed.error.issues[0]?.message === TOO_LONG ? TOO_LONG : BAD_FIELD };
  const e = parsed.data;
  const seconds = e.selected_date_time;
  if (seconds !== undefined && seconds !== null) {
    if (!Number.isInteger(seconds) || seconds < PICKER_SECONDS.min || seconds > PICKER_SECONDS.max)
      return { fault: BAD_TIME };
    return { value: new Date(seconds * 1000).toISOString() };
  }
  const v = (e.selected_option?.value ?? e.selected_user ?? e.value ?? '').trim();
  return { value: v || undefined };
}

/**
 * The form's metadata as the bot wrote it (`schema`: the forms' `ModalMetadata` unless a form writes its own), or
 * undefined when it is not: too long, not JSON, fields of the wrong type.
 */
export function readMetadata(raw: unknown): ModalMetadata | undefined;
export function readMetadata<M>(raw: unknown, schema: z.ZodType<M>): M | undefined;
export function readMetadata(raw: unknown, schema: z.ZodType = ModalMetadata): unknown {
  if (typeof raw !== 'string' && raw !== undefined && raw !== null) return undefined;
  if (typeof raw === 'string' && raw.length > MAX_METADATA) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(raw || '{}'));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A submitted view, read: its metadata and the values of the input blocks `inputs` (the blocks the form reads; any
 * other is ignored), or the first fault, with the block it belongs under when it is one field's.
 */
export function readForm(view: unknown, inputs: readonly string[]): FormRead;
export function readForm<M>(view: unknown, inputs: readonly string[], schema: z.ZodType<M>): FormRead<M>;
export function readForm(
  view: unknown,
  inputs: readonly string[],
  schema: z.ZodType = ModalMetadata,
): FormRead<unknown> {
  const values = own(own(view, 'state'), 'values');
  if (!isRecord(values)) return { ok: false, block: undefined, message: UNREADABLE, present: [] };
  const present = inputs.filter((block) => own(values, block) !== undefined);
  const meta = readMetadata(own(view, 'private_metadata'), schema);
  if (meta === undefined) return { ok: false, block: undefined, message: UNREADABLE, present };
  const out: Record<string, string | undefined> = Object.create(null);
  for (const block of present) {
    const read = readBlock(own(values, block));
    if ('fault' in read) return { ok: false, block, message: read.fault, present };
    out[block] = read.value;
  }
  return { ok: true, values: out, meta, present };
}

/** Slack's inline error: under the input block that holds the fault. */
export const inlineErrors = (blockId: string, message: string) => ({
  response_action: 'errors' as const,
  errors: { [blockId]: clip(message, 1000) },
});
