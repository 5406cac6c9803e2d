import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { expect, type Page, test } from "@playwright/test";
import pg from "pg";
import { createClient } from "redis";
import { DEMO_PASSWORD } from "@/lib/demo/people";
import { readableText, type Received, startSmtpServer } from "@/lib/mail/__tests__/smtp-server";
import { freePort, startRedis, stopRedis } from "@/lib/test/redis";
import { type Fixtures, pin } from "./support/fixtures";
import { type FreshDatabase, freshPostgresDatabase, prepareDatabase, type RunningServer, startServer, temporaryFolder } from "./support/servers";

/**
 * Two production servers on one PostgreSQL database and one Redis, as PRODUCT.md's deployment runs
 * them: whatever one instance does, the other sees at once — sessions, deleted keys, the per-key rate
 * limit, the expiry reminders both run the jobs for, and the usage they both count. This spec makes
 * its own database and servers (A and B), whatever database the suite's server runs on.
 */
const PORT_A = Number(process.env.E2E_PORT ?? 3100) + 10;
const PORT_B = PORT_A + 1;
/** Per key per minute, for both instances together: low enough for a test to reach. */
const RATE_LIMIT = 20;

// The tests share the two servers: one after another, in one worker (after a failure, a new worker starts them again).
test.describe.configure({ mode: "default" });

test.describe("two instances on one database", () => {
  test.setTimeout(180_000);
  let database: FreshDatabase;
  let db: pg.Pool;
  let redis: { url: string; own: ChildProcess | null };
  let redisClient: ReturnType<typeof createClient>;
  let fixtures: Fixtures;
  /** What each instance's SMTP server received: A delivers to one, B to the other. */
  const mail = { A: [] as Received[], B: [] as Received[] };
  const closers: (() => Promise<void>)[] = [];
  let A: RunningServer | undefined;
  let B: RunningServer | undefined;

  test.beforeAll(async () => {
    test.setTimeout(300_000);
    database = await freshPostgresDatabase("two_instances");
    const authSecret = randomBytes(32).toString("base64url");
    const shared = { DATABASE_URL: database.url, AUTH_SECRET: authSecret };
    fixtures = (await prepareDatabase({ ...shared, LATCHKEY_DATA_DIR: temporaryFolder("two-instances") }))!;
    db = new pg.Pool({ connectionString: database.url, max: 2 });

    // The suite's Redis when it has one (the per-key counters read here are this database's keys'); else a private one.
    if (process.env.REDIS_URL) redis = { url: process.env.REDIS_URL, own: null };
    else {
      const port = await freePort();
      redis = { url: `redis://127.0.0.1:${port}`, own: await startRedis(port) };
    }
    redisClient = createClient({ url: redis.url });
    redisClient.on("error", () => {});
    await redisClient.connect();

    const smtpA = await startSmtpServer(mail.A);
    const smtpB = await startSmtpServer(mail.B);
    closers.push(smtpA.close, smtpB.close);
    const env = (smtp: string) => ({
      ...shared,
      REDIS_URL: redis.url,
      SMTP_URL: smtp,
      LATCHKEY_API_RATE_LIMIT: String(RATE_LIMIT),
      LATCHKEY_JOBS_INTERVAL_SECONDS: "1",
      LATCHKEY_DATA_DIR: temporaryFolder("two-instances"),
    });
    [A, B] = await Promise.all([startServer({ port: PORT_A, env: env(smtpA.url) }), startServer({ port: PORT_B, env: env(smtpB.url) })]);
  });

  test.afterAll(async () => {
    for (const server of [A, B]) server?.child.kill("SIGCONT");
    await Promise.all([A?.stop(), B?.stop()]);
    await redisClient?.quit().catch(() => {});
    if (redis?.own) await stopRedis(redis.own);
    for (const close of closers) await close();
    await db?.end();
    await database?.drop();
  });

  const one = async <T>(query: string, values: unknown[] = []): Promise<T> => (await db.query(query, values)).rows[0] as T;
  const keyId = async (alias: string) => (await one<{ id: string }>("select id from api_keys where alias = $1", [alias])).id;
  const get = (server: RunningServer, key: string, path = "/api/v1/accounts") => fetch(`${server.base}${path}`, { headers: { "x-api-key": key } });

  async function signIn(page: Page, server: RunningServer, email: string) {
    await page.goto(`${server.base}/sign-in`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(`${server.base}/keys`);
  }

  test("a session made on A works on B, and signing out on B ends it on A", async ({ page, browser }) => {
    await signIn(page, A!, "sipho@acme.example");
    const live = () =>
      one<{ n: number }>("select count(*)::int as n from sessions s join users u on u.id = s.user_id where u.email = $1 and s.revoked_at is null", [
        "sipho@acme.example",
      ]);
    expect((await live()).n).toBe(1);

    // Cookies on localhost are not port-specific: the same browser carries the session to B.
    await page.goto(`${B!.base}/keys`);
    await expect(page).toHaveURL(`${B!.base}/keys`);
    await expect(page.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();
    await expect(page.getByLabel("Email")).toHaveCount(0);
    await expect(page.getByText("Sipho Mahlangu").first()).toBeVisible();

    const cookies = await page.context().cookies();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(`${B!.base}/sign-in`);
    expect((await live()).n).toBe(0);
    // The cookie from before, replayed on A, opens nothing there either.
    const replay = await browser.newContext();
    await replay.addCookies(cookies);
    const other = await replay.newPage();
    await other.goto(`${A!.base}/keys`);
    await expect(other).toHaveURL(/\/sign-in/);
    await replay.close();
  });

  test("a key deleted through A's portal is refused by B on the very next call", async ({ page }) => {
    const key = fixtures.keys.midSession.key;
    const id = await keyId("e2e midSession");
    expect((await get(B!, key)).status).toBe(200);
    expect((await get(A!, key)).status).toBe(200);

    await signIn(page, A!, "naledi@acme.example");
    await page.goto(`${A!.base}/keys/${id}`);
    await expect(page.getByRole("heading", { name: "e2e midSession", level: 1 })).toBeVisible();
    await page.getByRole("button", { name: "Delete" }).click();
    const confirm = page.getByRole("dialog", { name: "Delete “e2e midSession”?" });
    await confirm.getByLabel("Type “e2e midSession” to confirm").fill("e2e midSession");
    await confirm.getByRole("button", { name: "Continue" }).click();
    const pinField = page.getByRole("dialog", { name: "Delete “e2e midSession”" }).getByLabel("Your 6-digit PIN");
    await expect(pinField).toBeVisible();
    expect((await get(B!, key)).status).toBe(200);

    // The PIN sends the deletion. All the while B keeps being called, so that anything B might remember
    // of the key is fresh (it answers 200, 429 past the key's rate limit, or 401 once the deletion has
    // committed); the first call sent after the database holds the deletion must be refused.
    const meanwhile: number[] = [];
    const revoked = async () => (await one<{ revoked: boolean }>("select revoked_at is not null as revoked from api_keys where id = $1", [id])).revoked;
    let giveUp = false;
    const deadline = Date.now() + 30_000;
    const watching = (async () => {
      while (!(await revoked())) {
        if (giveUp || Date.now() > deadline) throw new Error("the key was not deleted within 30 s");
        meanwhile.push((await get(B!, key)).status);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    try {
      await pinField.fill(pin("naledi@acme.example"));
    } catch (error) {
      giveUp = true;
      await watching.catch(() => {});
      throw error;
    }
    await watching;
    const refused = await get(B!, key);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("invalid_key");
    expect(meanwhile.filter((status) => ![200, 401, 429].includes(status))).toEqual([]);
    await expect(page.getByText("“e2e midSession” deleted")).toBeVisible();
    await expect(page).toHaveURL(`${A!.base}/keys`);
    expect((await get(A!, key)).status).toBe(401);
  });

  test("the per-key rate limit is shared: two instances admit at most the limit between them", async () => {
    const spread = async (key: string, calls: number, together: boolean) => {
      const send = (i: number) =>
        get(i % 2 === 0 ? A! : B!, key).then((r) => ({ server: i % 2 === 0 ? "A" : "B", status: r.status, retryAfter: r.headers.get("retry-after") }));
      if (together) return Promise.all(Array.from({ length: calls }, (_, i) => send(i)));
      const answers = [];
      for (let i = 0; i < calls; i++) answers.push(await send(i));
      return answers;
    };

    // All at once, split between the two: never more than the limit, whatever the timing.
    const burst = await spread(fixtures.keys.burst.key, RATE_LIMIT * 4, true);
    expect(burst.filter((a) => a.status === 200).length).toBeLessThanOrEqual(RATE_LIMIT);
    expect(burst.filter((a) => a.status === 200).length).toBeGreaterThan(0);

    // One after another, alternating: exactly the limit, some admitted and some refused by each.
    const alternating = await spread(fixtures.keys["fuzz 3"]!.key, RATE_LIMIT + 6, false);
    for (const answers of [burst, alternating]) {
      expect(answers.every((a) => a.status === 200 || a.status === 429)).toBe(true);
      for (const answer of answers.filter((a) => a.status === 429)) expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    }
    const admitted = alternating.filter((a) => a.status === 200);
    expect(admitted).toHaveLength(RATE_LIMIT);
    expect(new Set(admitted.map((a) => a.server))).toEqual(new Set(["A", "B"]));
    expect(new Set(alternating.filter((a) => a.status === 429).map((a) => a.server))).toEqual(new Set(["A", "B"]));
    // The shared counter holds every admitted call (Redis, or the database should Redis have been passed over).
    const bucket = `api:key:${await keyId("e2e fuzz 3")}`;
    const inRedis = Number((await redisClient.get(`latchkey:rl:${bucket}`)) ?? 0);
    const inDatabase = (await one<{ hits: number } | undefined>("select hits from rate_limits where bucket = $1", [bucket]))?.hits ?? 0;
    expect(inRedis + inDatabase).toBeGreaterThanOrEqual(RATE_LIMIT);
  });

  test("expiry reminders and their e-mails are written and sent once, though both instances run the jobs", async () => {
    const reminderKey = await one<{ id: string; org_id: string }>(
      `insert into api_keys (org_id, application_id, alias, mode, prefix, secret_hash, permissions, created_by, created_at, expires_at)
       select a.org_id, a.id, 'Two instances reminder', 'live', 'lk_live_twin', $1, '{accounts:view}', u.id, now() - interval '88 days', now() + interval '2 days'
       from applications a, users u where a.name = 'ERP integration' and u.email = 'naledi@acme.example'
       returning id, org_id`,
      [randomBytes(32).toString("hex")],
    );
    // Who must hear of it, worked out apart from the job: every member of the organisation who may renew keys.
    const renewers = (
      await db.query<{ email: string }>(
        `select u.email from memberships m join roles r on r.id = m.role_id and 'keys:renew' = any(r.permissions)
         join users u on u.id = m.user_id where m.org_id = $1 order by u.email`,
        [reminderKey.org_id],
      )
    ).rows.map((r) => r.email);
    expect(renewers.length).toBeGreaterThanOrEqual(2);

    const notifications = async () =>
      (
        await db.query<{ email: string }>("select u.email from notifications n join users u on u.id = n.user_id where n.subject_id = $1 order by u.email", [
          reminderKey.id,
        ])
      ).rows.map((r) => r.email);
    const outbox = async () =>
      (
        await db.query<{ to_address: string; sent: boolean }>(
          "select to_address, sent_at is not null as sent from email_outbox where dedupe_key like $1 order by to_address",
          [`expiry:${reminderKey.id}:%`],
        )
      ).rows;
    const delivered = (server: "A" | "B") =>
      mail[server].filter((m) => readableText(m.data).includes(`/keys/${reminderKey.id}`)).flatMap((m) => m.to.map((to) => ({ to, server })));
    await expect.poll(notifications, { timeout: 60_000 }).toEqual(renewers);
    await expect.poll(async () => (await outbox()).every((m) => m.sent) && (await outbox()).length, { timeout: 60_000 }).toBe(renewers.length);
    await expect.poll(() => [...delivered("A"), ...delivered("B")].length, { timeout: 60_000 }).toBe(renewers.length);

    // Now each instance alone runs whole rounds of the jobs again: with the other paused, two messages
    // queued one after the other both go out through the running one's SMTP server. Its second round
    // began after the reminders existed, so it had every chance to write or send them again.
    let marker = 0;
    for (const [running, paused] of [
      ["A", B!],
      ["B", A!],
    ] as const) {
      paused.child.kill("SIGSTOP");
      try {
        for (let round = 0; round < 2; round++) {
          const subject = `Two instances marker ${++marker}`;
          await db.query("insert into email_outbox (dedupe_key, to_address, subject, body) values ($1, 'marker@twin.example', $2, $2)", [
            `twin-marker:${marker}`,
            subject,
          ]);
          await expect
            .poll(() => mail[running].filter((m) => readableText(m.data).includes(`Subject: ${subject}`)).length, {
              timeout: 30_000,
              message: `${running} delivers ${subject}`,
            })
            .toBe(1);
        }
      } finally {
        paused.child.kill("SIGCONT");
      }
    }

    expect(await notifications()).toEqual(renewers);
    expect((await outbox()).map((m) => m.to_address)).toEqual(renewers);
    expect(
      [...delivered("A"), ...delivered("B")]
        .map((m) => m.to)
        .sort()
        .join(),
    ).toBe(renewers.join());
    // And nothing else went out twice either: as many messages arrived as the outbox marks sent.
    const sentRows = async () => (await one<{ n: number }>("select count(*)::int as n from email_outbox where sent_at is not null")).n;
    await expect.poll(async () => mail.A.length + mail.B.length === (await sentRows()), { timeout: 30_000 }).toBe(true);
  });

  test("usage adds up across instances: one daily limit, one last-used time", async () => {
    const limited = fixtures.keys.limited as { key: string; accountId: string; toAccountId: string };
    const id = await keyId("e2e limited");
    const balance = async () => BigInt((await one<{ balance: string }>("select balance::text from accounts where id = $1", [limited.accountId])).balance);
    const lastUsed = async () =>
      (await one<{ last_used_at: Date | null }>("select last_used_at from api_keys where id = $1", [id])).last_used_at?.getTime() ?? 0;
    const send = (server: RunningServer, amount: number) =>
      fetch(`${server.base}/api/v1/accounts/${limited.accountId}/transfers`, {
        method: "POST",
        headers: { "x-api-key": limited.key, "content-type": "application/json" },
        body: JSON.stringify({ toAccountId: limited.toAccountId, amount, reference: "Two instances" }),
      });
    const before = await balance();

    // R 100,00 a day: R 90,00 through A, then twelve of R 3,00 at once, half through each instance — three fit.
    const firstCall = Date.now();
    expect((await send(A!, 9_000)).status).toBe(201);
    // A writes when the key was last used within its 5-second flush.
    await expect.poll(lastUsed, { timeout: 30_000 }).toBeGreaterThanOrEqual(firstCall);
    const burst = Date.now();
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => send(i % 2 === 0 ? A! : B!, 300)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 403)).toHaveLength(9);
    const refusal = (await answers.find((a) => a.status === 403)!.json()) as { error: { code: string } };
    expect(refusal.error.code).toBe("limit_exceeded");

    const used = await one<{ used: string }>("select sum(used)::text as used from api_key_daily_use where key_id = $1", [id]);
    expect(used.used).toBe("9900");
    const moved = await one<{ n: number; total: string }>("select count(*)::int as n, sum(amount)::text as total from transfers where created_by_key_id = $1", [
      id,
    ]);
    expect(moved).toEqual({ n: 4, total: "9900" });
    expect(before - (await balance())).toBe(9_900n);

    // A has written its first call's time and, writing at most once a minute per key, lets its burst
    // calls go unwritten; so a last use at or after the burst began is B's, added over A's, not under it.
    await expect.poll(lastUsed, { timeout: 30_000 }).toBeGreaterThanOrEqual(burst);
    expect(await lastUsed()).toBeLessThanOrEqual(Date.now());
  });
});
