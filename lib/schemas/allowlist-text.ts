/**
 * The allowlist as text, without the parser or the schema (lib/schemas/ip-allowlist.ts), so a page
 * can show and split it without loading either.
 */

/** Splits what a person typed (one per line, or separated by commas or spaces) into entries. */
export function splitAllowlistText(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The allowlist in words: "Only from 10.0.0.0/8 and 203.0.113.7", or "From any address". */
export function describeAllowlist(allowlist: readonly string[]): string {
  if (allowlist.length === 0) return "From any address";
  if (allowlist.length === 1) return `Only from ${allowlist[0]}`;
  return `Only from ${allowlist.slice(0, -1).join(", ")} and ${allowlist.at(-1)}`;
}
