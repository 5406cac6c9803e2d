import "server-only";
import { desc, eq } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import type { Executor } from "@/lib/db";
import { passkeys } from "@/lib/db/schema";

export interface OwnPasskey {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** The actor's own passkeys, newest first, for the settings page: names and times, nothing of the credential. */
export function listOwnPasskeys(db: Executor, actor: Actor): Promise<OwnPasskey[]> {
  return db
    .select({ id: passkeys.id, name: passkeys.name, createdAt: passkeys.createdAt, lastUsedAt: passkeys.lastUsedAt })
    .from(passkeys)
    .where(eq(passkeys.userId, actor.user.id))
    .orderBy(desc(passkeys.createdAt), desc(passkeys.id));
}
