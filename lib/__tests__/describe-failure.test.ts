import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { describeFailure, isDatabaseFailure } from "@/lib/errors";
import { db } from "@/lib/test/helpers";

describe("a failed query in a log line", () => {
  it("is its SQL state, never its parameters", async () => {
    const secret = "$argon2id$v=19$m=19456,t=2,p=1$c2VjcmV0LXNhbHQ";
    const error = await db()
      .execute(sql`select ${secret}::int`)
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).not.toBeNull();
    expect(isDatabaseFailure(error)).toBe(true);
    const line = describeFailure(error);
    expect(line).toBe("database error 22P02");
    expect(line).not.toContain("argon2");
  });

  it("names a constraint it broke", async () => {
    await db().execute(sql`create temporary table uniq_probe (v text primary key)`);
    await db().execute(sql`insert into uniq_probe values ('one')`);
    const error = await db()
      .execute(sql`insert into uniq_probe values (${"one"})`)
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(describeFailure(error)).toBe("database error 23505 (constraint uniq_probe_pkey)");
  });

  it("names anything else by its name alone", () => {
    expect(describeFailure(new TypeError("a message that could hold lk_live_secret"))).toBe("TypeError");
    expect(isDatabaseFailure(new Error("x"))).toBe(false);
  });
});
