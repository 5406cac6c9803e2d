import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { createSession, revokeSession } from "@/lib/auth/sessions";
import { loadSessionActor } from "@/lib/auth/session-actor";
import { settleAction } from "@/lib/auth/settle-action";
import { DatabaseUnavailableError } from "@/lib/database-unavailable";
import { openDatabase, type DatabaseHandle } from "@/lib/db/client";
import type { Executor } from "@/lib/db";
import { sessions, users } from "@/lib/db/schema";
import { seedDemoData } from "@/lib/demo/seed";
import { actorFor, context, db } from "@/lib/test/helpers";

/** The database, counting the statements a caller starts on it (the query builders and raw SQL alike). */
function counting(executor: Executor): { db: Executor; statements: () => number } {
  let statements = 0;
  const starts = new Set(["execute", "select", "selectDistinct", "insert", "update", "delete", "with", "transaction", "query"]);
  const proxy = new Proxy(executor, {
    get(target, property, receiver) {
      if (typeof property === "string" && starts.has(property)) statements++;
      return Reflect.get(target, property, receiver);
    },
  });
  return { db: proxy, statements: () => statements };
}

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
    await seedDemoData(db());
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

  it("is checked and read in one statement: the person, the organisation they act in and every membership", async () => {
    // Pieter is an Admin at Acme Holdings and at Pending Ventures; his session acts in the second.
    const signedIn = await actorFor("pieter@acme.example");
    const pending = signedIn.memberships.find((m) => m.orgName === "Pending Ventures");
    expect(pending).toBeDefined();
    await db().update(sessions).set({ activeOrgId: pending!.orgId }).where(eq(sessions.id, signedIn.sessionId));

    const counted = counting(db());
    const actor = await loadSessionActor(counted.db, signedIn.sessionId);
    expect(counted.statements()).toBe(1);
    expect(actor).toEqual({
      sessionId: signedIn.sessionId,
      user: { id: signedIn.user.id, name: "Pieter van Wyk", email: "pieter@acme.example", isOperator: false, hasPin: true, hasPasskey: false },
      org: { id: pending!.orgId, name: "Pending Ventures", kind: "business", status: "pending", products: [] },
      role: { id: expect.any(String), name: "Admin", builtIn: "admin" },
      permissions: expect.any(Set),
      memberships: [
        { orgId: expect.any(String), orgName: "Acme Holdings", orgKind: "business", roleName: "Admin" },
        { orgId: pending!.orgId, orgName: "Pending Ventures", orgKind: "business", roleName: "Admin" },
      ],
    });
    expect(actor!.permissions.has("keys:create")).toBe(true);

    // Back in Acme: its products are read as a list, as the key pages need them.
    await db().update(sessions).set({ activeOrgId: null }).where(eq(sessions.id, signedIn.sessionId));
    const acme = await loadSessionActor(db(), signedIn.sessionId);
    expect(acme!.org!.name).toBe("Acme Holdings");
    expect(acme!.org!.products.length).toBeGreaterThan(1);
    expect(acme!.org!.products.every((p) => typeof p === "string" && /^[a-z_]+$/.test(p))).toBe(true);
  });

  it("reads a person with no organisation as one", async () => {
    const actor = await loadSessionActor(db(), sessionId);
    expect(actor).toMatchObject({ org: null, role: null, memberships: [] });
    expect(actor!.permissions.size).toBe(0);
  });

  it("is nobody for an unknown, malformed or ended session", async () => {
    expect(await loadSessionActor(db(), crypto.randomUUID())).toBeNull();
    expect(await loadSessionActor(db(), "not-a-session")).toBeNull();
    expect(await loadSessionActor(db(), "-".repeat(36))).toBeNull();
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
