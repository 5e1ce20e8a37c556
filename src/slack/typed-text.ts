/**
 * What Slack sends for text typed into a command with `should_escape: true`, turned back into what the
 * person typed: `<@U1|ann>` → `@ann`, `<!channel>` → `@channel`, `<https://x|x>` → `https://x`,
 * `&amp;` → `&`. The plain text is stored; views escape it again on the way out.
 */
export function plainText(s: string): string {
  return s
    .replace(/<@([UW][A-Z0-9]+)(?:\|([^>]*))?>/g, (_m, id: string, name?: string) => `@${name || id}`)
    .replace(/<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>/g, (_m, name?: string) => (name ? name : '@group'))
    .replace(/<!(channel|here|everyone)(?:\|[^>]*)?>/g, (_m, name: string) => `@${name}`)
    .replace(/<!date\^[^|>]*\|([^>]*)>/g, (_m, fallback: string) => fallback)
    .replace(/<#[CG][A-Z0-9]+(?:\|([^>]*))?>/g, (_m, name?: string) => `#${name ?? 'channel'}`)
    .replace(/<((?:https?|mailto):[^|>]+)(?:\|[^>]*)?>/g, (_m, url: string) => url)
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** A user mention as Slack sends it, or a raw user id: the user id. */
/** A role holder as typed: a person (`<@U…|name>`) or a user group (`<!subteam^S…|@name>`, an on-call rotation). */
export function holderOf(token: string): string | undefined {
  const group =
    /^<!subteam\^(S[A-Z0-9]+)(?:\|[^>]*)?>$/.exec(token.trim()) ?? /^(S[A-Z0-9]{2,})$/.exec(token.trim());
  return group?.[1] ?? userIdOf(token);
}

export function userIdOf(token: string): string | undefined {
  const m =
    /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(token.trim()) ?? /^([UW][A-Z0-9]{2,})$/.exec(token.trim());
  return m?.[1];
}

/**
 * The one reading of a number a person typed (a command's word, a form's field): a whole number in decimal digits
 * — no sign, `0x…`, exponent, fraction or space inside — within `range`; else undefined. Say `wholeRange` with it.
 */
export function wholeNumber(
  text: string | undefined,
  range: { min: number; max: number },
): number | undefined {
  const s = (text ?? '').trim();
  if (!/^\d{1,15}$/.test(s)) return undefined;
  const n = Number(s);
  return n >= range.min && n <= range.max ? n : undefined;
}

/** How a refusal names what `wholeNumber` accepts: `a whole number of hours from 1 to 720`. */
export const wholeRange = (range: { min: number; max: number }, unit?: string) =>
  `a whole number${unit ? ` of ${unit}` : ''} from ${range.min} to ${range.max}`;
