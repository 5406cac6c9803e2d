"use server";

import { action } from "@/lib/auth/action";
import { regenerateKey } from "@/lib/keys/regenerate-key";

/** A new secret for the key; the old one stops working at once. The response carries the secret once. */
export const regenerateKeyAction = action(regenerateKey, { revalidate: [["/keys", "layout"]], result: ({ key, prefix }) => ({ key, prefix }) });
