/** Reading a submitted modal at the edge: Slack's state values and our private_metadata, each parsed. */
import { z } from 'zod';
import { ModalMetadata } from '../../views/modals.js';
import { clip } from '../../views/text.js';

const StateValue = z.object({
  type: z.string(),
  value: z.string().nullish(),
  selected_option: z.object({ value: z.string() }).nullish(),
  /** A users_select's choice. */
  selected_user: z.string().nullish(),
  /** A datetimepicker's choice: seconds since the epoch. */
  selected_date_time: z.number().nullish(),
});
const ViewState = z.record(z.string(), z.record(z.string(), StateValue));

/**
 * block_id -> the one value it holds (typed text, the chosen option, or a datetimepicker's instant as ISO 8601 UTC),
 * empty strings dropped.
 */
export function readValues(values: unknown): Record<string, string | undefined> {
  const parsed = ViewState.safeParse(values);
  const out: Record<string, string | undefined> = {};
  if (!parsed.success) return out;
  for (const [block, actions] of Object.entries(parsed.data)) {
    const first = Object.values(actions)[0];
    const picked = first?.selected_date_time;
    const v =
      picked !== undefined && picked !== null
        ? new Date(picked * 1000).toISOString()
        : (first?.selected_option?.value ?? first?.selected_user ?? first?.value ?? undefined);
    out[block] = v?.trim() ? v.trim() : undefined;
  }
  return out;
}

export function readMetadata(raw: string | undefined): ModalMetadata {
  try {
    const parsed = ModalMetadata.safeParse(JSON.parse(raw || '{}'));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** Slack's inline error: under the input block that holds the fault. */
export const inlineErrors = (blockId: string, message: string) => ({
  response_action: 'errors' as const,
  errors: { [blockId]: clip(message, 1000) },
});
