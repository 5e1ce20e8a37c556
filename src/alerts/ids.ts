/**
 * Outbox ids and reminder keys, namespaced by the program, so that two programs (two stores, two bots) posting in
 * one channel never share an id: the dispatcher looks for its ids among the channel's recent messages, and an
 * `alert-12` of another store once made it record our `alert-12` as posted when it was not.
 *
 * Stores written before hold the old forms (`alert-12`, `reminder-signoff:…`; reminder keys `signoff:…`): an old
 * outbox item is delivered like any other (its id is only a key), and an old reminder key still counts as sent
 * (`sentAt` reads both forms; new keys are written namespaced).
 */

/** The outbox id of the alert of a change: its last history sequence number. */
export const alertId = (program: string, seq: number) => `alert:${program}:${seq}`;

/** A reminder key in `doc.reminders`: `<program>:signoff:<side>:<anchor>`, `<program>:digest:<day>`… */
export const reminderKey = (program: string, key: string) => `${program}:${key}`;

/** The outbox id of a reminder. */
export const reminderId = (program: string, key: string) => `reminder:${reminderKey(program, key)}`;

/** When the reminder `key` of `program` was marked (sent, or first seen), under either form of its key. */
export const sentAt = (sent: Readonly<Record<string, string>>, program: string, key: string) =>
  sent[reminderKey(program, key)] ?? sent[key];
