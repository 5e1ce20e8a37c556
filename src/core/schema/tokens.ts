/**
 * CI tokens scoped to a program, and optionally to a side. Kept in the program's store document, beside the
 * cutover and never in it: a program started from this one copies none, the decision record and the program file
 * show none. Only the token's SHA-256 is stored; the token itself is shown once, when it is made.
 */
import { z } from 'zod';
import { Stamp } from './parts.js';
import { Id, Instant } from './primitives.js';

/** The name `CUTOVER_API_TOKEN` goes by in history: no scoped token may take it. */
export const OPERATOR_TOKEN = 'operator';

/** A token's name as people type it: an id (`consumer-pipeline`), not the reserved `operator`. */
export const TokenName = Id.refine((s) => s !== OPERATOR_TOKEN, {
  message: `"${OPERATOR_TOKEN}" is the name of CUTOVER_API_TOKEN: choose another`,
});

export const CiToken = z.object({
  name: TokenName,
  /** The program it may act on. */
  program: Id,
  /** When set, only the gates and evidence owned by this side's roles. */
  side: Id.optional(),
  /** Lower-case hex SHA-256 of the token. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  created: Stamp,
  /** The last request it authorised that changed something (written in that change's transaction). */
  lastUsedAt: Instant.optional(),
  revoked: Stamp.optional(),
});
export type CiToken = z.infer<typeof CiToken>;
