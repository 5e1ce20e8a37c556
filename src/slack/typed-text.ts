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
