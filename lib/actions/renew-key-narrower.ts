"use server";

import { action } from "@/lib/auth/action";
import { renewKeyNarrower } from "@/lib/keys/renew-key-narrower";

/** A new key with only the permissions the old one used; the old one stops after the chosen overlap (PIN). The response carries the secret once. */
export const renewKeyNarrowerAction = action(renewKeyNarrower, {
  revalidate: [["/keys", "layout"]],
  result: ({ id, key, alias, prefix, pendingApproval, retiresAt, kept }) => ({
    id,
    key,
    alias,
    prefix,
    pendingApproval,
    kept,
    retiresAt: retiresAt?.toISOString() ?? null,
  }),
});
