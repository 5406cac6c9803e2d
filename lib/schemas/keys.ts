import { z } from "zod";
import { SECRET_OVERLAPS, type SecretOverlap } from "./secret-overlaps";
import { CONTROL_CHARACTERS_MESSAGE, NO_CONTROL_CHARACTERS } from "@/lib/schemas/text";
import { isKeyPermission } from "@/lib/key-permissions";
import { movesMoney } from "@/lib/key-grants";
import { ipAllowlistSchema, splitAllowlistText } from "@/lib/schemas/ip-allowlist";
import { checkLimitPair, limitField, limitTextField } from "@/lib/schemas/key-limits";

/** The wizard's steps, checked in the browser and again on the server. */
export const keyDetailsShape = {
  alias: z
    .string()
    .trim()
    .min(1, "Give the key an alias")
    .max(64, "Keep the alias to 64 characters")
    .regex(/^[^<>\u0000-\u001f\u007f]*$/, "The alias cannot contain < > or control characters"),
  description: z.string().trim().max(280, "Keep the description to 280 characters").regex(NO_CONTROL_CHARACTERS, CONTROL_CHARACTERS_MESSAGE),
  mode: z.enum(["live", "test"], { error: "Choose Live or Test" }),
  applicationId: z.uuid({ error: "Choose an application" }),
};

export const keyAccessShape = {
  companyIds: z.array(z.uuid({ error: "Unknown company" })).max(50),
  accountIds: z
    .array(z.uuid({ error: "Unknown account" }))
    .min(1, "Choose at least one account")
    .max(200),
};

export const keyPermissionsShape = {
  permissions: z.array(z.string().refine(isKeyPermission, "Unknown permission")).min(1, "Choose at least one permission").max(32),
};

export const newKeySchema = z.strictObject({ ...keyDetailsShape, ...keyAccessShape, ...keyPermissionsShape });
export type NewKeyInput = z.infer<typeof newKeySchema>;

/**
 * A PIN-confirmed command's PIN. Optional only because a passkey may confirm instead
 * (lib/auth/command.ts): without a passkey, a missing PIN is refused as before.
 */
export const pinField = z
  .string()
  .regex(/^\d{6}$/, "Enter your 6-digit PIN")
  .optional();

/**
 * The wizard's allowlist as the person types it (one address or range per line), checked with the
 * same schema as the server's list so the message is the same on both sides.
 */
export const allowlistTextField = z
  .string()
  .max(4_000, "List at most 20 addresses or ranges")
  .superRefine((text, ctx) => {
    const parsed = ipAllowlistSchema.safeParse(splitAllowlistText(text));
    if (!parsed.success) ctx.addIssue({ code: "custom", message: parsed.error.issues[0]!.message });
  });

/** The wizard's form: the key, where it may be used from, and its limits as typed. */
export const newKeyFormSchema = z.strictObject({
  ...newKeySchema.shape,
  allowedIpsText: allowlistTextField,
  maxPerPaymentText: limitTextField,
  maxPerDayText: limitTextField,
});
export type NewKeyFormInput = z.infer<typeof newKeyFormSchema>;

/** Optional in the wizard: without it the key works from any address. */
export const keyRestrictionsShape = {
  allowedIps: ipAllowlistSchema.optional().default([]),
};

/** Optional too: a key that can move money may carry limits (minor units of the source account's currency). */
export const keyLimitsShape = {
  maxPerPayment: limitField.optional().default(null),
  maxPerDay: limitField.optional().default(null),
};

const LIMITS_NEED_MONEY = "Limits apply only to keys that can move money";

export const createKeySchema = z
  .strictObject({ ...newKeySchema.shape, ...keyRestrictionsShape, ...keyLimitsShape, pin: pinField })
  .superRefine((value, ctx) => {
    checkLimitPair(value, ctx);
    if ((value.maxPerPayment !== null || value.maxPerDay !== null) && !movesMoney(value.permissions)) {
      ctx.addIssue({ code: "custom", path: ["maxPerPayment"], message: LIMITS_NEED_MONEY });
    }
  });

/** The key page's "Payment limits", changed with the PIN. */
export const setKeyLimitsSchema = z
  .strictObject({ keyId: z.uuid({ error: "Unknown key" }), maxPerPayment: limitField, maxPerDay: limitField, pin: pinField })
  .superRefine(checkLimitPair);
export { LIMITS_NEED_MONEY };

/** The key page's "Where it may be used from", changed with the PIN. */
export const setKeyAllowlistSchema = z.strictObject({ keyId: z.uuid({ error: "Unknown key" }), allowedIps: ipAllowlistSchema, pin: pinField });

export { SECRET_OVERLAPS, type SecretOverlap } from "./secret-overlaps";

export const keyActionSchema = z.strictObject({ keyId: z.uuid({ error: "Unknown key" }), pin: pinField });

export const regenerateKeySchema = z.strictObject({
  keyId: z.uuid({ error: "Unknown key" }),
  overlap: z
    .enum(Object.keys(SECRET_OVERLAPS) as [SecretOverlap, ...SecretOverlap[]], { error: "Choose how long the old secret keeps working" })
    .default("none"),
  pin: pinField,
});

export const deleteKeySchema = z.strictObject({
  keyId: z.uuid({ error: "Unknown key" }),
  confirmAlias: z.string().max(200),
  pin: pinField,
});

/** The most keys one "Renew all" renews; the list's banner offers at most this many. */
export const MAX_KEYS_RENEWED_AT_ONCE = 200;

/** "Renew all": the keys the person saw in the banner, each once. */
export const renewKeysSchema = z.strictObject({
  keyIds: z
    .array(z.uuid({ error: "Unknown key" }), { error: "Choose the keys to renew" })
    .min(1, "Choose the keys to renew")
    .max(MAX_KEYS_RENEWED_AT_ONCE, `Renew at most ${MAX_KEYS_RENEWED_AT_ONCE} keys at once`)
    .refine((ids) => new Set(ids).size === ids.length, "Each key can be renewed once"),
  pin: pinField,
});

/** "Renew as a narrower key": the key, how long the old one keeps working beside the new one, and the PIN. */
export const renewKeyNarrowerSchema = z.strictObject({
  keyId: regenerateKeySchema.shape.keyId,
  overlap: z.enum(Object.keys(SECRET_OVERLAPS) as [SecretOverlap, ...SecretOverlap[]], { error: "Choose how long the old key keeps working" }),
  pin: pinField,
});

/** The renew dialog asks, without the PIN, what a narrower key would keep and drop. */
export const describeNarrowerRenewalSchema = z.strictObject({ keyId: regenerateKeySchema.shape.keyId });
