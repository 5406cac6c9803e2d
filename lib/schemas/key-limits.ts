import { z } from "zod";
import { MAX_LIMIT_MINOR, parseMajorUnits } from "./limit-text";

export { describeLimits, MAX_LIMIT_MINOR, parseMajorUnits } from "./limit-text";

/**
 * A key's payment limits. People type major units ("5000", "5 000.50", "5,000.00"); the server is
 * sent and stores minor units. One parser (./limit-text.ts) for the wizard, the key page and their tests.
 */
/** A limit field as typed: checked as the server checks it. */
export const limitTextField = z
  .string()
  .max(40, "Enter an amount such as 5000 or 5000.00")
  .superRefine((text, ctx) => {
    const parsed = parseMajorUnits(text);
    if (parsed !== null && typeof parsed === "object") ctx.addIssue({ code: "custom", message: parsed.error });
  });

/** A limit as the server takes it: whole minor units above zero, or null for none. */
export const limitField = z
  .number({ error: "Enter the limit in minor units" })
  .int("Enter the limit in whole minor units")
  .positive("Enter an amount above zero, or leave it empty for no limit")
  .max(MAX_LIMIT_MINOR, "Enter a smaller amount")
  .nullable();

/** The two limits together: the most per payment cannot be above the most per day. */
export function checkLimitPair(value: { maxPerPayment?: number | null; maxPerDay?: number | null }, ctx: z.RefinementCtx) {
  if (value.maxPerPayment != null && value.maxPerDay != null && value.maxPerPayment > value.maxPerDay) {
    ctx.addIssue({ code: "custom", path: ["maxPerPayment"], message: "The most per payment cannot be more than the most per day" });
  }
}
