import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/lib/db/client";
import { organisations, transactions, users } from "@/lib/db/schema";
import { seedDemoData } from "@/lib/demo/seed";

describe("the embedded database on disk", () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), "latchkey-persist-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("keeps its data when the server stops and starts again", async () => {
    const first = openDatabase({ pglite: path.join(folder, "pglite") });
    await first.migrate();
    expect((await seedDemoData(first.db)).seeded).toBe(true);
    const counts = { orgs: await first.db.$count(organisations), users: await first.db.$count(users), tx: await first.db.$count(transactions) };
    await first.close();

    const second = openDatabase({ pglite: path.join(folder, "pglite") });
    await second.migrate(); // applied migrations are skipped
    expect((await seedDemoData(second.db)).seeded).toBe(false);
    expect({ orgs: await second.db.$count(organisations), users: await second.db.$count(users), tx: await second.db.$count(transactions) }).toEqual(counts);
    expect(counts.orgs).toBe(3);
    await second.close();
  });
});
