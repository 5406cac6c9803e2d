import { sql, TransactionRollbackError } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import type { Executor } from "@/lib/db";
import { seedDemoData } from "@/lib/demo/seed";
import { KEYS_COUNT_LIMIT, KEYS_PAGE_SIZE, keyCountAnnouncement, keyCountLabel, listKeys, pageCountLabel } from "@/lib/keys/list-keys";
import { actorFor, db } from "@/lib/test/helpers";

/** Live keys beyond the count's bound: the last page (52) holds 18 of them. */
const EXTRA = 38;

/** The organisation's keys that still exist, in the list's order, as the database holds them. */
async function orderedIds(orgId: string, where = sql`true`): Promise<string[]> {
  const rows = await db().execute<{ id: string }>(
    sql`select id from api_keys where org_id = ${orgId} and revoked_at is null and ${where} order by created_at desc, alias, id`,
  );
  return rows.rows.map((r) => r.id);
}

/** The database handle, counting the statements sent through it. */
function counting(inner: Executor) {
  let statements = 0;
  const handle = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (["execute", "select", "selectDistinct", "insert", "update", "delete", "transaction"].includes(String(property))) statements++;
        return value.apply(target, args);
      };
    },
  });
  return { handle, statements: () => statements };
}

describe("the key list of a very large organisation", () => {
  let thabo: Actor;
  let orgId: string;

  beforeAll(async () => {
    await seedDemoData(db());
    thabo = await actorFor("thabo@nkosi.example");
    orgId = thabo.org!.id;
    // Nkosi's 3 demo keys and KEYS_COUNT_LIMIT + 35 more, a minute apart (so the order is known), half of them
    // frozen, one of every 100 leaked; and 50 deleted keys, which the list never counts.
    await db().execute(sql`
      insert into api_keys (org_id, application_id, alias, mode, prefix, secret_hash, permissions, created_by, created_at, expires_at, leaked_at, revoked_at)
      select ${orgId}::uuid, app.id, 'Bulk key ' || lpad(g::text, 5, '0'), 'live', 'lk_live_' || substr(md5(g::text), 1, 4),
             md5('bulk' || g) || md5('key' || g), array['balances:view'], u.id,
             now() - interval '1 hour' - g * interval '1 minute',
             case when g % 2 = 0 then now() - interval '1 day' else now() + interval '60 days' end,
             case when g % 100 = 1 then now() end,
             case when g > ${KEYS_COUNT_LIMIT + 35} then now() end
      from generate_series(1, ${KEYS_COUNT_LIMIT + 35 + 50}) as g,
           (select id from applications where org_id = ${orgId} order by created_at limit 1) as app,
           (select id from users where email = 'thabo@nkosi.example') as u`);
  });

  it("counts up to its bound and says so: '1,000+ keys', '50+' pages, newest first", async () => {
    const all = await orderedIds(orgId);
    expect(all).toHaveLength(KEYS_COUNT_LIMIT + EXTRA);
    const first = await listKeys(db(), thabo, {});
    expect(first).toMatchObject({ total: KEYS_COUNT_LIMIT, totalBounded: true, page: 1, pageCount: KEYS_COUNT_LIMIT / KEYS_PAGE_SIZE });
    expect(first.keys.map((k) => k.id)).toEqual(all.slice(0, KEYS_PAGE_SIZE));
    expect(keyCountLabel(first)).toBe("1,000+");
    expect(pageCountLabel(first)).toBe("50+");
    // A screen reader hears the bound too, never a silent toolbar.
    expect(keyCountAnnouncement(first, false)).toBe("More than 1,000 keys");
    // The banner's counts are exact whatever the bound: the 517 frozen bulk keys and the demo's frozen one.
    const frozen = await db().execute<{ n: number | string }>(
      sql`select count(*) as n from api_keys where org_id = ${orgId} and revoked_at is null and leaked_at is null and expires_at <= now()`,
    );
    expect(first.frozen).toBe(Number(frozen.rows[0]!.n));
    expect(first.frozen).toBeGreaterThan(500);
    expect(first.leaked).toBe(11);
  });

  it("keeps page numbers working beyond the bound, and becomes exact on reaching the end", async () => {
    const all = await orderedIds(orgId);
    const page = async (n: number) => listKeys(db(), thabo, { page: n });

    const fifty = await page(50);
    expect(fifty.keys.map((k) => k.id)).toEqual(all.slice(49 * KEYS_PAGE_SIZE, 50 * KEYS_PAGE_SIZE));
    expect(fifty).toMatchObject({ totalBounded: true, page: 50, pageCount: 51 });
    expect(`page ${fifty.page} of ${pageCountLabel(fifty)}`).toBe("page 50 of 51+");

    // Page 51 lies past the bound: its keys are the 1,001st to the 1,020th all the same.
    const beyond = await page(51);
    expect(beyond.keys.map((k) => k.id)).toEqual(all.slice(50 * KEYS_PAGE_SIZE, 51 * KEYS_PAGE_SIZE));
    expect(beyond).toMatchObject({ total: KEYS_COUNT_LIMIT, totalBounded: true, page: 51, pageCount: 52 });

    // The last page knows every key before it and on it: the count is exact again.
    const last = await page(52);
    expect(last.keys.map((k) => k.id)).toEqual(all.slice(51 * KEYS_PAGE_SIZE));
    expect(last.keys).toHaveLength(KEYS_COUNT_LIMIT + EXTRA - 51 * KEYS_PAGE_SIZE);
    expect(last).toMatchObject({ total: KEYS_COUNT_LIMIT + EXTRA, totalBounded: false, page: 52, pageCount: 52 });
    expect(keyCountLabel(last)).toBe("1038");

    // A page past the end (a stale link, or a number typed in the address bar) shows the last one, counted exactly.
    for (const n of [53, 9_999, 10_000]) {
      const past = await page(n);
      expect(past.keys.map((k) => k.id)).toEqual(last.keys.map((k) => k.id));
      expect(past).toMatchObject({ total: KEYS_COUNT_LIMIT + EXTRA, totalBounded: false, page: 52, pageCount: 52 });
    }
  });

  it("counts exactly what the filters leave below the bound, and bounds what they leave above it", async () => {
    const active = await listKeys(db(), thabo, { status: "active" });
    const activeIds = await orderedIds(orgId, sql`leaked_at is null and expires_at > now() + interval '14 days'`);
    expect(activeIds.length).toBeLessThan(KEYS_COUNT_LIMIT);
    expect(active).toMatchObject({ total: activeIds.length, totalBounded: false, pageCount: Math.ceil(activeIds.length / KEYS_PAGE_SIZE) });
    expect(keyCountLabel(active)).toBe(String(activeIds.length));
    expect(keyCountAnnouncement(active, true)).toBe(`${activeIds.length} keys match these filters`);
    expect(active.keys.map((k) => k.id)).toEqual(activeIds.slice(0, KEYS_PAGE_SIZE));

    const search = await listKeys(db(), thabo, { q: "bulk key 001" });
    expect(search).toMatchObject({ total: 100, totalBounded: false, pageCount: 5 });
    expect(search.keys[0]!.alias).toBe("Bulk key 00100");

    const live = await listKeys(db(), thabo, { mode: "live" });
    expect(live).toMatchObject({ total: KEYS_COUNT_LIMIT, totalBounded: true });
    expect(keyCountLabel(live)).toBe("1,000+");
    expect(keyCountAnnouncement(live, true)).toBe("More than 1,000 keys match these filters");
  });

  it("counts exactly at the bound itself, and leaves another organisation's count alone", async () => {
    const naledi = await actorFor("naledi@acme.example");
    const acme = await listKeys(db(), naledi, {});
    expect(acme.totalBounded).toBe(false);
    expect(acme.total).toBe((await orderedIds(naledi.org!.id)).length);
    expect(acme.keys.every((k) => !k.alias.startsWith("Bulk key"))).toBe(true);

    // Deleting the 38 oldest bulk keys leaves exactly KEYS_COUNT_LIMIT: "1000", 50 pages, nothing bounded.
    const oldest = (await orderedIds(orgId)).slice(KEYS_COUNT_LIMIT);
    await db()
      .transaction(async (tx) => {
        await tx.execute(
          sql`update api_keys set revoked_at = now() where id in (${sql.join(
            oldest.map((id) => sql`${id}::uuid`),
            sql`, `,
          )})`,
        );
        const exact = await listKeys(tx, thabo, {});
        expect(exact).toMatchObject({ total: KEYS_COUNT_LIMIT, totalBounded: false, pageCount: KEYS_COUNT_LIMIT / KEYS_PAGE_SIZE });
        expect(keyCountLabel(exact)).toBe("1000");
        expect(pageCountLabel(exact)).toBe("50");
        tx.rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof TransactionRollbackError)) throw error;
      });
    expect((await listKeys(db(), thabo, {})).totalBounded).toBe(true);
  });

  it("reads a page, its count, its banner and the application filter's choices in one statement", async () => {
    const { handle, statements } = counting(db());
    const list = await listKeys(handle, thabo, { page: 3, status: "frozen" });
    expect(list.keys).toHaveLength(KEYS_PAGE_SIZE);
    expect(list.applications.map((a) => a.name)).toEqual(["Individual connection"]);
    expect(statements()).toBe(1);
    // Only a page past the end of a list longer than the bound takes a second one, to count it all.
    const { handle: again, statements: more } = counting(db());
    await listKeys(again, thabo, { page: 9_000 });
    expect(more()).toBe(2);
  });
});
