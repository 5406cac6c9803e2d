import { z } from "zod";
import { limitTextField } from "@/lib/schemas/key-limits";
import { allowlistTextField } from "@/lib/schemas/keys";

/**
 * The guardrail forms' checks, loaded as a form opens (`schema={() => import(…)}`) so the key page
 * sends no zod on a first visit.
 */
export const allowlistForm = z.object({ allowedIpsText: allowlistTextField });
export const limitsForm = z.object({ maxPerPaymentText: limitTextField, maxPerDayText: limitTextField });
