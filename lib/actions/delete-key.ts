"use server";

import { action } from "@/lib/auth/action";
import { deleteKey } from "@/lib/keys/delete-key";

/** Deletes (revokes) a key at once; its alias typed and the PIN confirm it. */
export const deleteKeyAction = action(deleteKey, { revalidate: [["/keys", "layout"]] });
