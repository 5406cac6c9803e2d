import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { describeAllowlist, ipAllowlistSchema, splitAllowlistText } from "@/lib/schemas/ip-allowlist";
import { describeLimits, limitTextField, parseMajorUnits } from "@/lib/schemas/key-limits";
import { allowlistTextField, keyAccessShape, keyDetailsShape, keyPermissionsShape, newKeyFormSchema, type NewKeyFormInput } from "@/lib/schemas/keys";

/**
 * What the new-key wizard checks and derives with the key schemas (zod, the IP parser). The wizard
 * loads this module when a person first works in it, not with the page: its first load stays light.
 */
const STEP_SCHEMAS = [
  z.object(keyDetailsShape),
  z.object({ ...keyAccessShape, allowedIpsText: allowlistTextField }),
  z.object({ ...keyPermissionsShape, maxPerPaymentText: limitTextField, maxPerDayText: limitTextField }),
];

export const resolver = zodResolver(newKeyFormSchema);

/** The furthest step the entered data reaches: the first step whose fields are not yet valid. */
export function reachableStep(values: NewKeyFormInput, wanted: number): number {
  for (let i = 0; i < Math.min(wanted, STEP_SCHEMAS.length); i++) if (!STEP_SCHEMAS[i]!.safeParse(values).success) return i;
  return wanted;
}

/** The allowlist the text stands for, canonical, when it is valid (the step checks it before Review). */
export function allowlistOf(text: string): string[] {
  const parsed = ipAllowlistSchema.safeParse(splitAllowlistText(text ?? ""));
  return parsed.success ? parsed.data : [];
}

/** A limit as typed, in minor units (null when empty; the step has checked it). */
export function limitOf(text: string): number | null {
  const parsed = parseMajorUnits(text ?? "");
  return typeof parsed === "number" ? parsed : null;
}

export { describeAllowlist, describeLimits, splitAllowlistText };
