"use server";

import { action } from "@/lib/auth/action";
import { renewKeys } from "@/lib/keys/renew-keys";

/** "Renew all": the expiring and frozen keys the person saw, one PIN, one transaction. */
export const renewKeysAction = action(renewKeys, {
  revalidate: [["/", "layout"]],
  result: ({ renewed, expiresAt }) => ({ renewed, expiresAt: expiresAt.toISOString() }),
});
