import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { AccessError } from "@/lib/auth/errors";
import { auditEvents, organisations } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { createKey } from "@/lib/keys/create-key";
import { deleteKey } from "@/lib/keys/delete-key";
import { listKeys } from "@/lib/keys/list-keys";
import { regenerateKey } from "@/lib/keys/regenerate-key";
import { renewKey } from "@/lib/keys/renew-key";
import { setKeyAllowlist } from "@/lib/keys/set-key-allowlist";
import { actorFor, context, db } from "@/lib/test/helpers";
import { keyTablesSnapshot, makeKey, memberWithPermissions, pinOf, validKeyInput } from "@/lib/test/keys";

const GRANTS = ["keys:view", "keys:create", "keys:renew", "keys:delete"] as const;
type Operation = "list" | "create" | "renew" | "regenerate" | "restrict" | "delete";
const NEEDS: Record<Operation, (typeof GRANTS)[number]> = {
  list: "keys:view",
  create: "keys:create",
  renew: "keys:renew",
  regenerate: "keys:create",
  restrict: "keys:create",
  delete: "keys:delete",
};

/** Runs the operation; when refused, proves the key tables are exactly as before and the refusal audited. */
async function outcome(operation: Operation, actor: Actor, pin: string): Promise<"allowed" | "refused"> {
  const deniedBefore = await db().$count(auditEvents, and(eq(auditEvents.actorUserId, actor.user.id), eq(auditEvents.outcome, "denied")));
  const snapshots: string[] = [];
  try {
    // The target key exists before the snapshot; the action runs after it.
    const run = async () => {
      const target = await makeKey();
      snapshots.push(await keyTablesSnapshot());
      switch (operation) {
        case "list":
          return listKeys(db(), actor, {});
        case "create":
          return createKey(db(), actor, { ...(await validKeyInput(actor)), pin }, context);
        case "renew":
          return renewKey(db(), actor, { keyId: target.id, pin }, context);
        case "regenerate":
          return regenerateKey(db(), actor, { keyId: target.id, pin }, context);
        case "restrict":
          return setKeyAllowlist(db(), actor, { keyId: target.id, allowedIps: ["10.0.0.0/8"], pin }, context);
        case "delete":
          return deleteKey(db(), actor, { keyId: target.id, confirmAlias: target.alias, pin }, context);
      }
    };
    await run();
    return "allowed";
  } catch (error) {
    if (!(error instanceof AccessError)) throw error;
    expect(await keyTablesSnapshot()).toBe(snapshots[0]);
    if (operation !== "list") {
      const deniedAfter = await db().$count(auditEvents, and(eq(auditEvents.actorUserId, actor.user.id), eq(auditEvents.outcome, "denied")));
      expect(deniedAfter).toBe(deniedBefore + 1);
    }
    return "refused";
  }
}

let acmeId: string;
beforeAll(async () => {
  await seedDemoData(db());
  const [acme] = await db().select({ id: organisations.id }).from(organisations).where(eq(organisations.name, ORG_NAMES.acme));
  acmeId = acme!.id;
});

describe("key authorization matrix, every action called directly", () => {
  const subsets = Array.from({ length: 16 }, (_, mask) => GRANTS.filter((_, bit) => mask & (1 << bit)));

  it.each(subsets.map((subset) => [subset.join("+") || "(none)", subset] as const))("custom role %s", async (label, subset) => {
    const actor = await memberWithPermissions(acmeId, [...subset], `m-${label}`);
    for (const operation of Object.keys(NEEDS) as Operation[]) {
      const expected = subset.includes(NEEDS[operation]) ? "allowed" : "refused";
      expect(await outcome(operation, actor, "482915"), `${label} ${operation}`).toBe(expected);
    }
  });

  it.each([
    ["naledi@acme.example", "Superadmin", ["list", "create", "renew", "regenerate", "restrict", "delete"]],
    ["pieter@acme.example", "Admin", ["list", "create", "renew", "regenerate", "restrict", "delete"]],
    ["sipho@acme.example", "Developer", ["list"]],
    ["aisha@acme.example", "Viewer", ["list"]],
    ["johan@acme.example", "Key renewer", ["list", "renew"]],
  ] as const)("built-in and demo role: %s (%s)", async (email, _role, allowed) => {
    const actor = await actorFor(email);
    for (const operation of Object.keys(NEEDS) as Operation[]) {
      expect(await outcome(operation, actor, pinOf(email)), `${email} ${operation}`).toBe(allowed.includes(operation as never) ? "allowed" : "refused");
    }
  });

  it("records no plaintext, hash or PIN in the audit rows of refusals", async () => {
    const rows = await db().execute<{ metadata: unknown }>(sql`select metadata from audit_events where outcome = 'denied'`);
    const text = JSON.stringify(rows.rows);
    expect(text).not.toMatch(/lk_(live|test)_[0-9A-Za-z]{20}/);
    expect(text).not.toContain("482915");
  });
});
