import { getDb } from "@/lib/db";
import type { Actor } from "@/lib/auth/actor";
import { loadActor } from "@/lib/auth/actor";
import { createSession } from "@/lib/auth/sessions";
import { users } from "@/lib/db/schema";
import { eq } from "drizzle-orm";

export function db() {
  return getDb();
}

/** Signs the user of `email` in (a real session row) and returns the actor the app would see. */
export async function actorFor(email: string): Promise<Actor> {
  const [user] = await db().select({ id: users.id }).from(users).where(eq(users.email, email));
  if (!user) throw new Error(`no user ${email}`);
  const sessionId = await createSession(db(), { userId: user.id, ip: "127.0.0.1", userAgent: "vitest" });
  const actor = await loadActor(db(), sessionId);
  if (!actor) throw new Error("actor did not load");
  return actor;
}

export const context = { ip: "127.0.0.1", userAgent: "vitest", requestId: "00000000-0000-4000-8000-000000000000" };
