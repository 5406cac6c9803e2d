"use server";

import { action } from "@/lib/auth/action";
import { createKey } from "@/lib/keys/create-key";

/** Creates a key; the response is the only place its secret ever appears. */
export const createKeyAction = action(createKey, {
  revalidate: ["/keys"],
  result: ({ id, key, prefix, alias, pendingApproval }) => ({ id, key, prefix, alias, pendingApproval }),
});
