import { z } from "zod";

/**
 * The audit log's dates as the product's locale (en-ZA) writes them: day first, `31/12/2026`.
 * The ISO form `2026-12-31` (old links, scripts) is unambiguous and accepted too. Anything else —
 * month first, a day that does not exist, stray characters — is refused with a message for the field.
 */
export const DAY_FORMAT_HINT = "dd/mm/yyyy";
const FORMAT_MESSAGE = "Write the date day first, like 31/12/2026";

export type ParsedDay = { ok: true; iso: string } | { ok: false; message: string };

export function parseDay(input: string): ParsedDay {
  const value = input.trim();
  let day: number;
  let month: number;
  let year: number;
  const local = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (local) [day, month, year] = [Number(local[1]), Number(local[2]), Number(local[3])];
  else if (iso) [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else return { ok: false, message: FORMAT_MESSAGE };
  if (month < 1 || month > 12)
    return {
      ok: false,
      message: local && day >= 1 && day <= 12 && month <= 31 ? `There is no month ${month}: ${FORMAT_MESSAGE.toLowerCase()}` : "That is not a date",
    };
  if (year < 2000 || year > 2999) return { ok: false, message: "That is not a date" };
  const date = new Date(Date.UTC(year, month - 1, day));
  if (day < 1 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return { ok: false, message: "That is not a date" };
  return { ok: true, iso: `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}` };
}

/** A day as the filter shows it: `2026-12-31` → `31/12/2026`. */
export function formatDay(iso: string): string {
  const [y, m, d] = iso.split("-");
  return `${d}/${m}/${y}`;
}

const dayField = z
  .string({ error: FORMAT_MESSAGE })
  .max(32, FORMAT_MESSAGE)
  .transform((value, ctx) => {
    if (value.trim() === "") return undefined;
    const parsed = parseDay(value);
    if (!parsed.ok) {
      ctx.addIssue({ code: "custom", message: parsed.message });
      return z.NEVER;
    }
    return parsed.iso;
  });

const text = (max: number) =>
  z
    .string({ error: "Write it as text" })
    .trim()
    .max(max, `Keep it to ${max} characters`)
    .regex(/^[^\u0000-\u001f\u007f]*$/, "Remove the control characters");

/**
 * The audit log's filters, from the page's query string or the CSV export's. Empty means any.
 * Days are whole days in South African time (SAST, UTC+2), both ends included. Unknown query
 * parameters are ignored (a URL may carry others); nothing here is ever written anywhere.
 */
export const auditFiltersSchema = z
  .object({
    actor: text(254).optional(),
    action: text(64)
      .regex(/^[a-z_.]*$/, "Choose an action from the list")
      .optional(),
    target: text(100).optional(),
    from: dayField.optional(),
    to: dayField.optional(),
    page: z.coerce.number({ error: "Pages are numbered" }).int("Pages are numbered").min(1, "Pages start at 1").max(10_000, "Pages stop at 10,000").optional(),
  })
  .superRefine((f, ctx) => {
    if (f.from && f.to && f.to < f.from) ctx.addIssue({ code: "custom", path: ["to"], message: "The end date is before the start date" });
  });
export type AuditFilters = z.infer<typeof auditFiltersSchema>;

/** The first instant of a day in SAST, and the first instant after it. */
export function dayStart(iso: string): Date {
  return new Date(`${iso}T00:00:00+02:00`);
}
export function dayEnd(iso: string): Date {
  return new Date(dayStart(iso).getTime() + 86_400_000);
}
