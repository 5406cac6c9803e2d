import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { listAccounts } from "@/lib/api/accounts";
import { addApplication, rotateClientSecret } from "@/lib/credentials/manage-applications";
import { applications, auditEvents, memberships, organisations, users } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { createKey } from "@/lib/keys/create-key";
import { loadWizardOptions } from "@/lib/keys/wizard-options";
import { setOrganisationProducts, setOrganisationStatus } from "@/lib/ops/manage-organisation";
import { createOrganisation } from "@/lib/organisations/create-organisation";
import { hashSecret } from "@/lib/security/hashing";
import { call } from "@/lib/test/api";
import { actorFor, context, db } from "@/lib/test/helpers";
import { pinOf } from "@/lib/test/keys";

const OPS = "ops@bank.example";

async function orgId(name: string) {
  return (await db().select({ id: organisations.id }).from(organisations).where(eq(organisations.name, name)))[0]!.id;
}
async function appsOf(id: string) {
  return db()
    .select({ id: applications.id, name: applications.name, last4: applications.clientSecretLast4 })
    .from(applications)
    .where(eq(applications.orgId, id));
}
async function approve(id: string, status: "approved" | "suspended" = "approved") {
  await setOrganisationStatus(db(), await actorFor(OPS), { orgId: id, status, pin: pinOf(OPS) }, context);
}

/** A pending private organisation whose holder (PIN 482915) is its Superadmin. */
async function pendingPrivateOrganisation(name = "Dlamini Private", email = "zanele@dlamini.example", status: "pending" | "approved" = "pending") {
  const org = await createOrganisation(db(), { name, kind: "private", status, products: ["account_information"] });
  const [user] = await db()
    .insert(users)
    .values({ email, name: "Zanele Dlamini", passwordHash: "unused", pinHash: await hashSecret("482915"), pinSetAt: new Date() })
    .returning({ id: users.id });
  await db().insert(memberships).values({ orgId: org.id, userId: user!.id, roleId: org.roleIds.superadmin });
  return org.id;
}

beforeAll(async () => {
  await seedDemoData(db());
});

describe("approving an organisation gives it its first application", () => {
  it("a private organisation gets exactly one, “Individual connection”, whose secret nobody has seen yet; audited in its log", async () => {
    const id = await pendingPrivateOrganisation();
    expect(await appsOf(id)).toEqual([]);
    await approve(id);
    const apps = await appsOf(id);
    expect(apps.map((a) => [a.name, a.last4])).toEqual([["Individual connection", ""]]);
    const [audit] = await db()
      .select({ orgId: auditEvents.orgId, actor: auditEvents.actorLabel, outcome: auditEvents.outcome, metadata: auditEvents.metadata })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "credentials.application_add"), eq(auditEvents.targetId, apps[0]!.id)));
    expect(audit).toEqual({
      orgId: id,
      actor: OPS,
      outcome: "success",
      metadata: { application: "Individual connection", reason: "first application, on approval" },
    });

    // Suspended and reinstated: still the one.
    await approve(id, "suspended");
    await approve(id);
    await approve(id);
    expect((await appsOf(id)).map((a) => a.name)).toEqual(["Individual connection"]);
    expect(
      await db()
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.orgId, id), eq(auditEvents.action, "credentials.application_add"))),
    ).toHaveLength(1);
  });

  it("a business organisation gets one; approving twice at once still makes one", async () => {
    const id = await orgId(ORG_NAMES.pending);
    expect(await appsOf(id)).toEqual([]);
    await Promise.all([approve(id), approve(id)]);
    expect((await appsOf(id)).map((a) => a.name)).toEqual(["Default connection"]);
    await approve(id, "suspended");
    await approve(id);
    expect((await appsOf(id)).map((a) => a.name)).toEqual(["Default connection"]);
  });

  it("an organisation that already has applications gets none more", async () => {
    const acme = await orgId(ORG_NAMES.acme);
    const before = (await appsOf(acme)).map((a) => a.name).sort();
    await approve(acme, "suspended");
    await approve(acme);
    expect((await appsOf(acme)).map((a) => a.name).sort()).toEqual(before);
  });

  it("a refused approval (not an operator, wrong PIN) creates no application", async () => {
    const id = await createOrganisation(db(), { name: "Refused Ventures", kind: "business", status: "pending", products: [] });
    await expect(
      setOrganisationStatus(db(), await actorFor("naledi@acme.example"), { orgId: id.id, status: "approved", pin: pinOf("naledi@acme.example") }, context),
    ).rejects.toMatchObject({ code: "not_operator" });
    await expect(setOrganisationStatus(db(), await actorFor(OPS), { orgId: id.id, status: "approved", pin: "000000" }, context)).rejects.toBeTruthy();
    expect(await appsOf(id.id)).toEqual([]);
    const [org] = await db().select({ status: organisations.status }).from(organisations).where(eq(organisations.id, id.id));
    expect(org!.status).toBe("pending");
  });

  it("end to end: approved with a product, the Superadmin issues the secret once, creates a key, and the key answers 200", async () => {
    const id = await orgId(ORG_NAMES.pending);
    await setOrganisationProducts(db(), await actorFor(OPS), { orgId: id, products: ["account_information"], pin: pinOf(OPS) }, context);
    const kagiso = await actorFor("kagiso@pending.example");
    const options = await loadWizardOptions(db(), kagiso);
    expect(options.applications.map((a) => a.name)).toEqual(["Default connection"]);
    const app = options.applications[0]!;
    const { clientSecret } = await rotateClientSecret(db(), kagiso, { applicationId: app.id, pin: pinOf("kagiso@pending.example") }, context);
    const [stored] = await db().select().from(applications).where(eq(applications.id, app.id));
    expect(stored!.clientSecretLast4).toBe(clientSecret.slice(-4));
    expect(JSON.stringify(stored)).not.toContain(clientSecret);

    const live = options.accounts.filter((a) => a.mode === "live");
    const created = await createKey(
      db(),
      kagiso,
      {
        alias: "Ledger sync",
        description: "",
        mode: "live",
        applicationId: app.id,
        companyIds: [live[0]!.companyId!],
        accountIds: [live[0]!.id],
        permissions: ["accounts:view"],
        pin: pinOf("kagiso@pending.example"),
      },
      context,
    );
    const answer = await call(listAccounts, { path: "/api/v1/accounts", key: created.key });
    expect(answer.status).toBe(200);
    expect(answer.json.accounts.map((a: { name: string }) => a.name)).toEqual(["Pending Ventures ZAR operating"]);
  });

  it("a private holder approved before approvals gave one makes its one “Individual connection”, once, and nothing else", async () => {
    const id = await pendingPrivateOrganisation("Legacy Private", "sizwe@legacy.example", "approved");
    const sizwe = await actorFor("sizwe@legacy.example");
    await expect(addApplication(db(), sizwe, { name: "My app", pin: "482915" }, context)).rejects.toMatchObject({ code: "not_business" });
    const created = await addApplication(db(), sizwe, { name: "Individual connection", pin: "482915" }, context);
    expect(created.clientSecret).toMatch(/^lkcs_/);
    await expect(addApplication(db(), sizwe, { name: "Individual connection", pin: "482915" }, context)).rejects.toMatchObject({ code: "not_business" });
    expect((await appsOf(id)).map((a) => a.name)).toEqual(["Individual connection"]);
    // Thabo already has his: refused, as before.
    await expect(
      addApplication(db(), await actorFor("thabo@nkosi.example"), { name: "Individual connection", pin: pinOf("thabo@nkosi.example") }, context),
    ).rejects.toMatchObject({ code: "not_business" });
  });
});
