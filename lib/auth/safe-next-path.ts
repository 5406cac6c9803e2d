const BASE = "http://latchkey.invalid";

/**
 * Where to go after signing in: a path of this portal, or `/`. The value is resolved against the
 * portal's own origin and must stay on it; a control character or backslash — raw or
 * percent-encoded, which a browser may strip or turn into a slash — sends the person to `/`, as
 * does anything that would leave the origin (`//host`, `/\host`, `https://…`).
 */
export function safeNextPath(next: unknown): string {
  if (typeof next !== "string" || next.length > 2_048 || !next.startsWith("/")) return "/";
  let decoded: string;
  try {
    decoded = decodeURIComponent(next);
  } catch {
    return "/";
  }
  for (const text of [next, decoded]) {
    if (/[\u0000-\u001f\u007f-\u009f\\]/.test(text) || text.startsWith("//")) return "/";
  }
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE || url.pathname.startsWith("//")) return "/";
  return `${url.pathname}${url.search}${url.hash}`;
}
