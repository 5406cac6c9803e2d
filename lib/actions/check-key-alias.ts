"use server";

import { action } from "@/lib/auth/action";
import { checkKeyAlias } from "@/lib/keys/check-key-alias";

/** Asks whether an alias is still free in the chosen application; changes nothing. */
export const checkKeyAliasAction = action(checkKeyAlias, { result: (free) => free });
