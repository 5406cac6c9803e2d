/**
 * The shape of a server-action request, checked in proxy.ts before Next decodes it: Next answers a
 * body its decoder cannot read with a 500, which is the caller's mistake, not ours. What the React
 * client sends (react-server-dom's encodeReply) is either
 *   - text/plain: one JSON document, the array of arguments; or
 *   - multipart/form-data: field "0" holds that JSON, and the parts it refers to ("$K1", "$h2", "$@3"…)
 *     are further fields named by their hexadecimal id.
 * Inside the JSON, a string starting with "$" is a reference or a tagged value. This accepts what the
 * client produces and refuses the rest; it is a filter against garbage, not the authorization (each
 * action parses its own input with zod and checks the session itself).
 */

export const ACTION_BODY_MAX_BYTES = 1024 * 1024;

export type ActionBodyVerdict = { ok: true } | { ok: false; reason: string };

const ACTION_ID = /^[0-9a-f]{2,128}$/i;

/** The Next-Action header names an action by a hexadecimal id. */
export function validActionId(value: string | null): boolean {
  return value !== null && ACTION_ID.test(value);
}

/** Tagged values that stand alone: an escaped "$", undefined, NaN, ±Infinity, -0, a date, a BigInt, a temporary reference. */
const SELF_CONTAINED = /^\$(?:\$[\s\S]*|undefined|NaN|Infinity|-Infinity|-0|T|D[\s\S]{0,64}|n-?\d{1,300})$/;
/** A reference to a part by hexadecimal id, with a tag ("$@1", "$h2", "$K3", "$B5"…) or a path into it ("$0:1:name"). */
const REFERENCE = /^\$([@hQWiKBRrXxAOoUSsLlGgMmVF]?)([0-9a-f]{1,8})((?::[^:]*)*)$/;
/** Tags whose part is itself a JSON model, decoded like the root. */
const MODEL_TAGS = new Set(["", "@", "h", "Q", "W", "i", "F"]);
/** Array slots the decoder may walk, references included; React refuses past 1,000,000. */
const MAX_SLOTS = 250_000;
const MAX_DEPTH = 64;

type Verdict = ActionBodyVerdict;
const refused = (reason: string): Verdict => ({ ok: false, reason });
const MISSING = "The body refers to a part it does not contain.";

/** The value a "$id:a:b" path names inside a parsed part: own properties only, ending on an object. */
function resolvePath(root: unknown, path: string): object | null {
  let current: unknown = root;
  for (const segment of path.split(":").slice(1)) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, segment)) return null;
    current = (current as Record<string, unknown>)[segment];
  }
  return current !== null && typeof current === "object" ? current : null;
}

/** Array slots and strings in a parsed value, as the decoder counts them. */
function slots(value: unknown, seen: Map<object, number>, depth = 0): number {
  if (depth > MAX_DEPTH) return Infinity;
  if (typeof value === "string") return value.startsWith("$$") ? value.length - 1 : 0;
  if (value === null || typeof value !== "object") return 0;
  const known = seen.get(value);
  if (known !== undefined) return known;
  const children = Array.isArray(value) ? value : Object.values(value);
  let total = Array.isArray(value) ? value.length : 0;
  for (const child of children) total += slots(child, seen, depth + 1);
  seen.set(value, total);
  return total;
}

/**
 * Checks a reply: part 0 is the argument list; every reference must name a part that exists (in a
 * text body, only part 0 itself), a path must lead to an object, and a referenced JSON part is checked
 * in turn. `part(id)` gives a part's text, a Blob, or undefined when absent.
 */
function checkReply(part: (id: number) => string | Blob | undefined, multipart: boolean): Verdict {
  const parsed = new Map<number, unknown>();
  const parse = (id: number): { value: unknown } | null => {
    if (parsed.has(id)) return { value: parsed.get(id) };
    const text = part(id);
    if (typeof text !== "string") return null;
    try {
      const value: unknown = JSON.parse(text);
      parsed.set(id, value);
      return { value };
    } catch {
      return null;
    }
  };
  const root = part(0);
  if (typeof root !== "string") return refused("The multipart body has no arguments part.");
  const rootValue = parse(0);
  if (!rootValue) return refused("The body is not valid JSON.");
  if (!Array.isArray(rootValue.value)) return refused("The body must be the list of the action's arguments.");

  const counted = new Map<object, number>();
  let total = 0;
  const queue = [0];
  const checked = new Set<number>();
  while (queue.length) {
    const id = queue.shift()!;
    if (checked.has(id)) continue;
    checked.add(id);
    const model = parse(id);
    if (!model) return refused(part(id) === undefined ? MISSING : "A part the body refers to is not JSON.");
    total += slots(model.value, counted);
    const stack: [unknown, number][] = [[model.value, 0]];
    while (stack.length) {
      const [value, depth] = stack.pop()!;
      if (depth > MAX_DEPTH) return refused("The body is nested too deeply.");
      if (value !== null && typeof value === "object") {
        for (const child of Array.isArray(value) ? value : Object.values(value)) stack.push([child, depth + 1]);
        continue;
      }
      if (typeof value !== "string" || value[0] !== "$" || SELF_CONTAINED.test(value)) continue;
      const reference = REFERENCE.exec(value);
      if (!reference) return refused(MISSING);
      const [, tag, hex, path] = reference;
      const target = parseInt(hex!, 16);
      if (!multipart && (tag !== "" || target !== 0)) return refused(MISSING);
      if (path && tag !== "") return refused(MISSING);
      // "$K<id>" is a FormData made of the fields prefixed "<id>_" — possibly none.
      if (tag === "K") continue;
      if (part(target) === undefined) return refused(MISSING);
      if (!MODEL_TAGS.has(tag!)) continue;
      queue.push(target);
      if (path) {
        const targetModel = parse(target);
        const named = targetModel && resolvePath(targetModel.value, path);
        if (!named) return refused(MISSING);
        total += slots(named, counted);
      }
    }
    if (total > MAX_SLOTS) return refused("The body is too large to decode.");
  }
  return { ok: true };
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
function mediaType(contentType: string | null): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

/**
 * Whether a request carrying a Next-Action header has a body Next can decode. `read` gives the body
 * as text and `form` as FormData — each called at most once, and only for its content type.
 */
export async function checkServerActionBody(
  contentType: string | null,
  read: { text: () => Promise<string>; formData: () => Promise<FormData> },
): Promise<ActionBodyVerdict> {
  const type = mediaType(contentType);
  if (type === "text/plain") {
    const text = await read.text();
    if (text.length === 0) return refused("The body is empty.");
    return checkReply((id) => (id === 0 ? text : undefined), false);
  }
  if (type === "multipart/form-data") {
    if (!/;\s*boundary=/i.test(contentType ?? "")) return refused("A multipart body needs a boundary.");
    let form: FormData;
    try {
      form = await read.formData();
    } catch {
      return refused("The multipart body cannot be read.");
    }
    return checkReply((id) => form.get(String(id)) ?? undefined, true);
  }
  return { ok: false, reason: "A server action takes text/plain or multipart/form-data." };
}
