import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { listAccounts } from "@/lib/api/accounts";
import { auditEvents, emailOutbox, notifications, organisations, users } from "@/lib/db/schema";
import { seedDemoData } from "@/lib/demo/seed";
import { NotFoundError } from "@/lib/errors";
import { expirePendingKeys } from "@/lib/jobs/expire-pending-keys";
import { createKey } from "@/lib/keys/create-key";
import { approveKey, rejectKey } from "@/lib/keys/decide-key-approval";
import { getKey } from "@/lib/keys/get-key";
import { listKeys } from "@/lib/keys/list-keys";
import { listPendingKeys } from "@/lib/keys/list-pending-keys";
import { regenerateKey } from "@/lib/keys/regenerate-key";
import { keyApprovalRequired, setKeyApproval } from "@/lib/organisations/set-key-approval";
import { call } from "@/lib/test/api";
import { actorFor, context, db } from "@/lib/test/helpers";
import { keyRow, makeKey, memberWithPermissions, pinOf, validKeyInput } from "@/lib/test/keys";

const NALEDI = "naledi@acme.example"; // Superadmin
const PIETER = "pieter@acme.example"; // Admin
const SIPHO = "sipho@acme.example"; // Developer
const AISHA = "aisha@acme.example"; // Viewer
const MONEY = { permissions: ["accounts:view", "balances:view", "payments:view", "payments:edit"] };

const accounts = (key: string) => call(listAccounts, { path: "/api/v1/accounts", key });

async function acmeId() {
  return (await actorFor(NALEDI)).org!.id;
}

async function setApproval(required: boolean) {
  await setKeyApproval(db(), await actorFor(NALEDI), { required, pin: pinOf(NALEDI) }, context);
}

async function auditRows(targetId: string, action: string) {
  return db()
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.targetId, targetId), eq(auditEvents.action, action)));
}

beforeAll(async () => {
  await seedDemoData(db());
});

describe("the organisation's maker-checker setting", () => {
  it("is off by default; only the Superadmin changes it, with the PIN, audited with before and after", async () => {
    const orgId = await acmeId();
    expect(await keyApprovalRequired(db(), orgId)).toBe(false);

    const pieter = await actorFor(PIETER);
    await expect(setKeyApproval(db(), pieter, { required: true, pin: pinOf(PIETER) }, context)).rejects.toMatchObject({ code: "forbidden" });
    const sipho = await actorFor(SIPHO);
    await expect(setKeyApproval(db(), sipho, { required: true, pin: pinOf(SIPHO) }, context)).rejects.toMatchObject({ code: "forbidden" });
    const naledi = await actorFor(NALEDI);
    await expect(setKeyApproval(db(), naledi, { required: true, pin: "000000" }, context)).rejects.toMatchObject({ code: "pin_invalid" });
    expect(await keyApprovalRequired(db(), orgId)).toBe(false);
    const denied = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "organisation.key_approval_change"), eq(auditEvents.outcome, "denied")));
    expect(denied.map((d) => d.actorLabel).sort()).toEqual([PIETER, SIPHO]);

    await setApproval(true);
    expect(await keyApprovalRequired(db(), orgId)).toBe(true);
    const [changed] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "organisation.key_approval_change"), eq(auditEvents.outcome, "success")));
    expect(changed).toMatchObject({ actorLabel: NALEDI, targetId: orgId, metadata: { before: "off", after: "on" } });
    await setApproval(false);
    expect(await keyApprovalRequired(db(), orgId)).toBe(false);
  });
});

describe("a key that can move money, with the setting on", () => {
  beforeAll(() => setApproval(true));

  it("waits for approval: the secret is shown once, the API answers 403 key_pending_approval, the audit says so", async () => {
    const created = await makeKey(PIETER, MONEY);
    expect(created.key).toMatch(/^lk_/);
    expect((await keyRow(created.id)).pendingApprovalSince).toBeInstanceOf(Date);
    const refused = await accounts(created.key);
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe("key_pending_approval");
    const [audit] = await auditRows(created.id, "key.create");
    expect(audit!.metadata).toMatchObject({ pendingApproval: true });

    const pieter = await actorFor(PIETER);
    const detail = await getKey(db(), pieter, created.id);
    expect(detail.approval).toMatchObject({ madeByYou: true });
    expect((await getKey(db(), await actorFor(NALEDI), created.id)).approval).toMatchObject({ madeByYou: false });
    const list = await listKeys(db(), pieter, {});
    expect(list.pendingApproval).toBeGreaterThanOrEqual(1);
    expect(list.keys.find((k) => k.id === created.id)!.pendingApprovalSince).toBeInstanceOf(Date);
    expect((await listPendingKeys(db(), pieter)).map((k) => k.id)).toContain(created.id);
  });

  it("a read-only key does not wait", async () => {
    const created = await makeKey(PIETER);
    expect((await keyRow(created.id)).pendingApprovalSince).toBeNull();
    expect((await accounts(created.key)).status).toBe(200);
    expect((await auditRows(created.id, "key.create"))[0]!.metadata).not.toHaveProperty("pendingApproval");
  });

  it("another member holding keys:approve approves it with the PIN: the next call succeeds, once", async () => {
    const created = await makeKey(PIETER, MONEY);
    expect((await accounts(created.key)).status).toBe(403); // warms any cache with the waiting key
    const naledi = await actorFor(NALEDI);
    await expect(approveKey(db(), naledi, { keyId: created.id, pin: "000000" }, context)).rejects.toMatchObject({ code: "pin_invalid" });
    await approveKey(db(), naledi, { keyId: created.id, pin: pinOf(NALEDI) }, context);
    expect((await accounts(created.key)).status).toBe(200);
    const row = await keyRow(created.id);
    expect(row.pendingApprovalSince).toBeNull();
    expect(row.approvedBy).toBe(naledi.user.id);
    expect(row.approvedAt).toBeInstanceOf(Date);
    const [audit] = await auditRows(created.id, "key.approve");
    expect(audit).toMatchObject({ outcome: "success", actorLabel: NALEDI });

    // A replay, or a second approver: nothing is waiting any more.
    await expect(approveKey(db(), naledi, { keyId: created.id, pin: pinOf(NALEDI) }, context)).rejects.toMatchObject({ code: "already_decided" });
    const other = await memberWithPermissions(naledi.org!.id, ["keys:view", "keys:approve"], "Second approver");
    await expect(approveKey(db(), other, { keyId: created.id, pin: "482915" }, context)).rejects.toMatchObject({ code: "already_decided" });
    await expect(rejectKey(db(), other, { keyId: created.id, pin: "482915" }, context)).rejects.toMatchObject({ code: "already_decided" });
    expect((await auditRows(created.id, "key.approve")).filter((a) => a.outcome === "success")).toHaveLength(1);
  });

  it("two approvals at once: exactly one succeeds", async () => {
    const created = await makeKey(PIETER, MONEY);
    const naledi = await actorFor(NALEDI);
    const other = await memberWithPermissions(naledi.org!.id, ["keys:view", "keys:approve"], "Racing approver");
    const results = await Promise.allSettled([
      approveKey(db(), naledi, { keyId: created.id, pin: pinOf(NALEDI) }, context),
      approveKey(db(), other, { keyId: created.id, pin: "482915" }, context),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason).toMatchObject({ code: "already_decided" });
  });

  it("its creator can never approve or reject it: not from a second session, not through a custom role; each refusal audited", async () => {
    const created = await makeKey(PIETER, MONEY);
    const refusals = async () => (await auditRows(created.id, "key.approve")).filter((a) => a.outcome === "denied").length;

    const session1 = await actorFor(PIETER);
    await expect(approveKey(db(), session1, { keyId: created.id, pin: pinOf(PIETER) }, context)).rejects.toMatchObject({ code: "self_approval" });
    const session2 = await actorFor(PIETER);
    expect(session2.sessionId).not.toBe(session1.sessionId);
    await expect(approveKey(db(), session2, { keyId: created.id, pin: pinOf(PIETER) }, context)).rejects.toMatchObject({ code: "self_approval" });
    await expect(rejectKey(db(), session2, { keyId: created.id, pin: pinOf(PIETER) }, context)).rejects.toMatchObject({ code: "self_approval" });
    expect(await refusals()).toBe(2);
    const [rejectRefusal] = await auditRows(created.id, "key.reject");
    expect(rejectRefusal).toMatchObject({ outcome: "denied", metadata: { reason: "self_approval" } });

    // A member holding a custom role with keys:create and keys:approve makes a key, then tries to approve it.
    const maker = await memberWithPermissions(session1.org!.id, ["keys:view", "keys:create", "keys:approve"], "Maker and checker");
    const own = await createKey(db(), maker, { ...(await validKeyInput(maker, MONEY)), pin: "482915" }, context);
    await expect(approveKey(db(), maker, { keyId: own.id, pin: "482915" }, context)).rejects.toMatchObject({ code: "self_approval" });
    expect((await keyRow(own.id)).pendingApprovalSince).toBeInstanceOf(Date);
    expect((await accounts(own.key)).status).toBe(403);
  });

  it("whoever regenerates a waiting or approved money key makes it: it waits again, and they may not approve it", async () => {
    const created = await makeKey(PIETER, MONEY);
    const naledi = await actorFor(NALEDI);
    await approveKey(db(), naledi, { keyId: created.id, pin: pinOf(NALEDI) }, context);
    const regenerated = await regenerateKey(db(), naledi, { keyId: created.id, overlap: "none", pin: pinOf(NALEDI) }, context);
    const row = await keyRow(created.id);
    expect(row.pendingApprovalSince).toBeInstanceOf(Date);
    expect(row.approvedBy).toBeNull();
    expect(row.approvedAt).toBeNull();
    expect((await accounts(regenerated.key)).json.error.code).toBe("key_pending_approval");
    const [audit] = await auditRows(created.id, "key.regenerate");
    expect(audit!.metadata).toMatchObject({ pendingApproval: true });
    await expect(approveKey(db(), naledi, { keyId: created.id, pin: pinOf(NALEDI) }, context)).rejects.toMatchObject({ code: "self_approval" });
    // The creator made it too.
    await expect(approveKey(db(), await actorFor(PIETER), { keyId: created.id, pin: pinOf(PIETER) }, context)).rejects.toMatchObject({ code: "self_approval" });
    const other = await memberWithPermissions(naledi.org!.id, ["keys:view", "keys:approve"], "Regeneration approver");
    await approveKey(db(), other, { keyId: created.id, pin: "482915" }, context);
    expect((await accounts(regenerated.key)).status).toBe(200);
  });

  it("reject deletes it: the API answers 401, it leaves the list, audited key.reject", async () => {
    const created = await makeKey(PIETER, MONEY);
    const naledi = await actorFor(NALEDI);
    await rejectKey(db(), naledi, { keyId: created.id, pin: pinOf(NALEDI) }, context);
    const row = await keyRow(created.id);
    expect(row.revokedAt).toBeInstanceOf(Date);
    expect(row.revokedBy).toBe(naledi.user.id);
    expect((await accounts(created.key)).status).toBe(401);
    expect((await auditRows(created.id, "key.reject"))[0]).toMatchObject({ outcome: "success", actorLabel: NALEDI });
    await expect(getKey(db(), naledi, created.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(approveKey(db(), naledi, { keyId: created.id, pin: pinOf(NALEDI) }, context)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("members without keys:approve are refused, audited; another organisation's key is not found", async () => {
    const created = await makeKey(PIETER, MONEY);
    for (const email of [SIPHO, AISHA]) {
      const actor = await actorFor(email);
      await expect(approveKey(db(), actor, { keyId: created.id, pin: pinOf(email) }, context)).rejects.toMatchObject({ code: "forbidden" });
      await expect(rejectKey(db(), actor, { keyId: created.id, pin: pinOf(email) }, context)).rejects.toMatchObject({ code: "forbidden" });
    }
    const denied = (await auditRows(created.id, "key.approve")).filter((a) => a.outcome === "denied");
    expect(denied.map((d) => d.actorLabel).sort()).toEqual([AISHA, SIPHO]);
    expect((await keyRow(created.id)).pendingApprovalSince).toBeInstanceOf(Date);

    const thabo = await actorFor("thabo@nkosi.example");
    await expect(approveKey(db(), thabo, { keyId: created.id, pin: pinOf("thabo@nkosi.example") }, context)).rejects.toBeInstanceOf(NotFoundError);
    await expect(rejectKey(db(), thabo, { keyId: created.id, pin: pinOf("thabo@nkosi.example") }, context)).rejects.toBeInstanceOf(NotFoundError);
    expect((await keyRow(created.id)).revokedAt).toBeNull();
  });

  it("tells every member holding keys:approve but its creator, in the bell and by e-mail, once; a decision clears the bell", async () => {
    const created = await makeKey(PIETER, MONEY);
    const told = await db()
      .select({ email: users.email })
      .from(notifications)
      .innerJoin(users, eq(users.id, notifications.userId))
      .where(and(eq(notifications.subjectId, created.id), eq(notifications.kind, "key_approval")));
    const emails = told.map((t) => t.email);
    expect(emails).toContain(NALEDI);
    expect(emails).not.toContain(PIETER);
    expect(emails).not.toContain(SIPHO);
    expect(emails).not.toContain(AISHA);
    expect(new Set(emails).size).toBe(emails.length);
    const mail = await db()
      .select({ to: emailOutbox.toAddress, body: emailOutbox.body })
      .from(emailOutbox)
      .where(sql`${emailOutbox.dedupeKey} like ${`approval:${created.id}:%`}`);
    expect(mail.map((m) => m.to).sort()).toEqual([...emails].sort());
    expect(mail[0]!.body).toContain(`/keys/${created.id}`);

    await approveKey(db(), await actorFor(NALEDI), { keyId: created.id, pin: pinOf(NALEDI) }, context);
    const left = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.subjectId, created.id), eq(notifications.kind, "key_approval")));
    expect(left).toEqual([]);
  });

  it("after 7 days unapproved it is deleted by the jobs, once, even when two rounds run at once", async () => {
    const created = await makeKey(PIETER, MONEY);
    const fresh = await makeKey(PIETER, MONEY);
    expect((await accounts(created.key)).status).toBe(403);
    const eightDaysLater = new Date(Date.now() + 8 * 86_400_000);
    // Only keys waiting more than 7 days go: `fresh` is backdated 6 days, `created` 8.
    await db().execute(sql`update api_keys set pending_approval_since = now() - interval '8 days' where id = ${created.id}`);
    await db().execute(sql`update api_keys set pending_approval_since = now() - interval '6 days' where id = ${fresh.id}`);
    const [a, b] = await Promise.all([expirePendingKeys(db()), expirePendingKeys(db())]);
    expect(a.deleted + b.deleted).toBeGreaterThanOrEqual(1);
    expect((await keyRow(created.id)).revokedAt).toBeInstanceOf(Date);
    expect((await keyRow(fresh.id)).revokedAt).toBeNull();
    const expired = await auditRows(created.id, "key.approval_expired");
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({ actorLabel: "system", actorUserId: null, outcome: "success" });
    expect((await accounts(created.key)).status).toBe(401);
    expect(await auditRows(fresh.id, "key.approval_expired")).toEqual([]);
    // Run again later: nothing more to delete for it, no second audit row.
    await expirePendingKeys(db(), eightDaysLater);
    expect(await auditRows(created.id, "key.approval_expired")).toHaveLength(1);
    expect((await keyRow(fresh.id)).revokedAt).toBeInstanceOf(Date);
  });

  it("with the setting off, money keys no longer wait; keys already waiting keep waiting", async () => {
    const waiting = await makeKey(PIETER, MONEY);
    await setApproval(false);
    const created = await makeKey(PIETER, MONEY);
    expect((await keyRow(created.id)).pendingApprovalSince).toBeNull();
    expect((await accounts(created.key)).status).toBe(200);
    expect((await keyRow(waiting.id)).pendingApprovalSince).toBeInstanceOf(Date);
    const [org] = await db()
      .select({ required: organisations.keyApprovalRequired })
      .from(organisations)
      .where(eq(organisations.id, await acmeId()));
    expect(org!.required).toBe(false);
  });
});
