import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession, revokeSession } from "@/lib/auth/sessions";
import { loadSessionActor } from "@/lib/auth/session-actor";
import { settleAction } from "@/lib/auth/settle-action";
import { DatabaseUnavailableError } from "@/lib/database-unavailable";
import { openDatabase, type DatabaseHandle } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { context, db } from "@/lib/test/helpers";

/** A port nothing listens on: bound once to learn a free number, then closed. */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("the session behind a request", () => {
  let sessionId: string;
  let unreachable: DatabaseHandle;
  let closed: DatabaseHandle;

  beforeAll(async () => {
    const [user] = await db()
      .insert(users)
      .values({ email: "outage@sessions.example", name: "Outage", passwordHash: "unused", pinHash: "unused" })
      .returning({ id: users.id });
    sessionId = await createSession(db(), { userId: user!.id, ip: "127.0.0.1", userAgent: "vitest" });
    // PostgreSQL that cannot be reached, and an embedded database that has been shut.
    unreachable = openDatabase({ url: `postgres://postgres@127.0.0.1:${await closedPort()}/latchkey` });
    closed = openDatabase({ pglite: "memory://" });
    await closed.migrate();
    await closed.close();
  });

  afterAll(async () => {
    await unreachable.close();
  });

  it("is the signed-in actor while the session can be used", async () => {
    const actor = await loadSessionActor(db(), sessionId);
    expect(actor?.user.email).toBe("outage@sessions.example");
  });

  it("is nobody for an unknown, malformed or ended session", async () => {
    expect(await loadSessionActor(db(), crypto.randomUUID())).toBeNull();
    expect(await loadSessionActor(db(), "not-a-session")).toBeNull();
    const ended = await createSession(db(), { userId: (await loadSessionActor(db(), sessionId))!.user.id, ip: null, userAgent: null });
    await revokeSession(db(), ended);
    expect(await loadSessionActor(db(), ended)).toBeNull();
  });

  it("is 'database unavailable', never 'nobody', when PostgreSQL cannot be reached", async () => {
    const failure = await loadSessionActor(unreachable.db, sessionId).then(
      (actor) => ({ actor }),
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(DatabaseUnavailableError);
    expect(failure).toMatchObject({ code: "database_unavailable", digest: "LATCHKEY_DATABASE_UNAVAILABLE" });
    // It carries no query, parameters or session id to a log line or a page.
    expect(JSON.stringify(failure)).not.toContain(sessionId);
    expect(String((failure as Error).message)).not.toMatch(/select|update|sessions/i);
  });

  it("is 'database unavailable' when the embedded database has shut", async () => {
    await expect(loadSessionActor(closed.db, sessionId)).rejects.toBeInstanceOf(DatabaseUnavailableError);
  });

  it("turns into an action's refusal that says so and runs nothing", async () => {
    let ran = false;
    const result = await settleAction(
      db(),
      () => loadSessionActor(unreachable.db, sessionId),
      {},
      async () => {
        ran = true;
        return { ok: true as const };
      },
      async () => context,
    );
    expect(ran).toBe(false);
    expect(result).toEqual({
      ok: false,
      code: "database_unavailable",
      error: "Latchkey can't reach its database — try again in a moment. Nothing was changed.",
    });
  });
});
