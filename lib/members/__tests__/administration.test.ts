import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { loadActor } from "@/lib/auth/actor";
import { addApplication, rotateClientSecret } from "@/lib/credentials/manage-applications";
import { accessTokens, applications, auditEvents, invitations, memberships, organisations, roles, users } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData, type SeededApplication } from "@/lib/demo/seed";
import { acceptInvitation, findInvitation, joinWithInvitation } from "@/lib/members/accept-invitation";
import { changeMemberRole, handOnSuperadmin, removeMember } from "@/lib/members/change-member";
import { inviteMember } from "@/lib/members/invite-member";
import { setOrganisationProducts, setOrganisationStatus } from "@/lib/ops/manage-organisation";
import { createRole, deleteRole, updateRole } from "@/lib/roles/manage-roles";
import { actorFor, context, db } from "@/lib/test/helpers";
import { pinOf } from "@/lib/test/keys";

const request = { ...context, origin: "http://portal.test" };
let apps: SeededApplication[];

async function userId(email: string) {
  return (await db().select({ id: users.id }).from(users).where(eq(users.email, email)))[0]!.id;
}
async function acmeAppId() {
  const clientId = apps.find((a) => a.organisation === ORG_NAMES.acme)!.clientId;
  return (await db().select({ id: applications.id }).from(applications).where(eq(applications.clientId, clientId)))[0]!.id;
}
async function orgId(name: string) {
  return (await db().select({ id: organisations.id }).from(organisations).where(eq(organisations.name, name)))[0]!.id;
}
async function roleId(org: string, name: string) {
  return (
    await db()
      .select({ id: roles.id })
      .from(roles)
      .where(and(eq(roles.orgId, await orgId(org)), eq(roles.name, name)))
  )[0]!.id;
}
async function roleOf(email: string, org = ORG_NAMES.acme) {
  const [row] = await db()
    .select({ name: roles.name })
    .from(memberships)
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .where(and(eq(memberships.userId, await userId(email)), eq(memberships.orgId, await orgId(org))));
  return row?.name ?? null;
}

/** Everything administration can change: a refusal must leave all of it as it was. */
async function snapshot() {
  const [m, r, i, a, o, u] = await Promise.all([
    db().select().from(memberships).orderBy(memberships.id),
    db().select().from(roles).orderBy(roles.id),
    db().select().from(invitations).orderBy(invitations.id),
    db().select({ id: applications.id, hash: applications.clientSecretHash }).from(applications).orderBy(applications.id),
    db().select({ id: organisations.id, status: organisations.status, products: organisations.products }).from(organisations).orderBy(organisations.id),
    db().select({ id: users.id }).from(users).orderBy(users.id),
  ]);
  return JSON.stringify({ m, r, i, a, o, u });
}

beforeAll(async () => {
  const seeded = await seedDemoData(db());
  apps = seeded.seeded ? seeded.applications : [];
});

describe("the member and role action matrix: every refusal leaves the database as it was", () => {
  type Op = (email: string) => Promise<unknown>;
  const ops: Record<string, Op> = {
    invite: async (e) =>
      inviteMember(db(), await actorFor(e), { email: "new.person@acme.example", roleId: await roleId(ORG_NAMES.acme, "Viewer"), pin: pinOf(e) }, request),
    "change role": async (e) =>
      changeMemberRole(
        db(),
        await actorFor(e),
        { userId: await userId("aisha@acme.example"), roleId: await roleId(ORG_NAMES.acme, "Developer"), pin: pinOf(e) },
        context,
      ),
    remove: async (e) => removeMember(db(), await actorFor(e), { userId: await userId("aisha@acme.example"), pin: pinOf(e) }, context),
    "hand on Superadmin": async (e) => handOnSuperadmin(db(), await actorFor(e), { userId: await userId("aisha@acme.example"), pin: pinOf(e) }, context),
    "create role": async (e) => createRole(db(), await actorFor(e), { name: "Auditor", description: "", permissions: ["audit:view"], pin: pinOf(e) }, context),
    "edit role": async (e) =>
      updateRole(
        db(),
        await actorFor(e),
        {
          roleId: await roleId(ORG_NAMES.acme, "Key renewer"),
          name: "Key renewer",
          description: "",
          permissions: ["keys:view", "keys:renew", "keys:delete"],
          pin: pinOf(e),
        },
        context,
      ),
    "delete role": async (e) => deleteRole(db(), await actorFor(e), { roleId: await roleId(ORG_NAMES.acme, "Key renewer"), pin: pinOf(e) }, context),
    "rotate client secret": async (e) => rotateClientSecret(db(), await actorFor(e), { applicationId: await acmeAppId(), pin: pinOf(e) }, context),
    "add application": async (e) => addApplication(db(), await actorFor(e), { name: "New app", pin: pinOf(e) }, context),
    "suspend organisation": async (e) =>
      setOrganisationStatus(db(), await actorFor(e), { orgId: await orgId(ORG_NAMES.pending), status: "suspended", pin: pinOf(e) }, context),
    "change products": async (e) =>
      setOrganisationProducts(db(), await actorFor(e), { orgId: await orgId(ORG_NAMES.pending), products: [], pin: pinOf(e) }, context),
  };
  // Who may do what in Acme (the operator acts on organisations only).
  const allowed: Record<string, string[]> = {
    invite: ["naledi", "pieter"],
    "change role": ["naledi", "pieter"],
    remove: ["naledi", "pieter"],
    "hand on Superadmin": ["naledi"],
    "create role": ["naledi"],
    "edit role": ["naledi"],
    "delete role": ["naledi"],
    "rotate client secret": ["naledi"],
    "add application": ["naledi"],
    "suspend organisation": ["ops"],
    "change products": ["ops"],
  };
  const people = {
    naledi: "naledi@acme.example",
    pieter: "pieter@acme.example",
    sipho: "sipho@acme.example",
    aisha: "aisha@acme.example",
    johan: "johan@acme.example",
    ops: "ops@bank.example",
  };
  const refusals = Object.keys(ops).flatMap((op) =>
    Object.keys(people)
      .filter((p) => !allowed[op]!.includes(p))
      .map((p) => [op, p] as const),
  );

  it.each(refusals)("%s by %s is refused", async (op, person) => {
    const before = await snapshot();
    // Refused for who they are, not for anything else they sent.
    await expect(ops[op]!(people[person as keyof typeof people])).rejects.toMatchObject({
      code: expect.stringMatching(/^(forbidden|not_operator|no_organisation|escalation_refused)$/),
    });
    expect(await snapshot()).toBe(before);
  });

  it.each(Object.keys(ops))("%s without a PIN, or with a wrong one, is refused and changes nothing", async (op) => {
    const who = people[allowed[op]![0] as keyof typeof people];
    const real = pinOf(who);
    const before = await snapshot();
    const wrong = real === "111111" ? "222222" : "111111";
    for (const pin of [undefined, wrong]) {
      const original = pinOf;
      void original;
      await expect(withPin(ops[op]!, who, pin)).rejects.toMatchObject({ code: pin ? "pin_invalid" : expect.stringMatching(/invalid/) });
    }
    expect(await snapshot()).toBe(before);
    // Reset the failure count the wrong PINs left.
    await db().update(users).set({ pinFailedAttempts: 0 }).where(eq(users.email, who));
  });
});

/** Runs an operation with a different PIN than the person's own (or none). */
async function withPin(op: (email: string) => Promise<unknown>, email: string, pin: string | undefined) {
  const people = await import("@/lib/demo/people");
  const person = people.DEMO_PEOPLE.find((p) => p.email === email)!;
  const real = person.pin;
  (person as { pin: string | undefined }).pin = pin;
  try {
    return await op(email);
  } finally {
    (person as { pin: string }).pin = real;
  }
}

describe("escalation attempts are refused with the database unchanged", () => {
  const attempts: [string, () => Promise<unknown>][] = [
    [
      "the Superadmin changes their own role",
      async () =>
        changeMemberRole(
          db(),
          await actorFor("naledi@acme.example"),
          { userId: await userId("naledi@acme.example"), roleId: await roleId(ORG_NAMES.acme, "Admin"), pin: pinOf("naledi@acme.example") },
          context,
        ),
    ],
    [
      "an Admin changes their own role",
      async () =>
        changeMemberRole(
          db(),
          await actorFor("pieter@acme.example"),
          { userId: await userId("pieter@acme.example"), roleId: await roleId(ORG_NAMES.acme, "Viewer"), pin: pinOf("pieter@acme.example") },
          context,
        ),
    ],
    [
      "an Admin makes someone Superadmin",
      async () =>
        changeMemberRole(
          db(),
          await actorFor("pieter@acme.example"),
          { userId: await userId("aisha@acme.example"), roleId: await roleId(ORG_NAMES.acme, "Superadmin"), pin: pinOf("pieter@acme.example") },
          context,
        ),
    ],
    [
      "an Admin invites a Superadmin",
      async () =>
        inviteMember(
          db(),
          await actorFor("pieter@acme.example"),
          { email: "boss@acme.example", roleId: await roleId(ORG_NAMES.acme, "Superadmin"), pin: pinOf("pieter@acme.example") },
          request,
        ),
    ],
    [
      "the Superadmin grants Superadmin instead of handing it on",
      async () =>
        changeMemberRole(
          db(),
          await actorFor("naledi@acme.example"),
          { userId: await userId("aisha@acme.example"), roleId: await roleId(ORG_NAMES.acme, "Superadmin"), pin: pinOf("naledi@acme.example") },
          context,
        ),
    ],
    [
      "an Admin grants a role holding credentials:view, which Admins lack",
      async () =>
        changeMemberRole(
          db(),
          await actorFor("pieter@acme.example"),
          { userId: await userId("aisha@acme.example"), roleId: await roleId(ORG_NAMES.acme, "Credential keeper"), pin: pinOf("pieter@acme.example") },
          context,
        ),
    ],
    [
      "an Admin invites with a role beyond their own",
      async () =>
        inviteMember(
          db(),
          await actorFor("pieter@acme.example"),
          { email: "keeper@acme.example", roleId: await roleId(ORG_NAMES.acme, "Credential keeper"), pin: pinOf("pieter@acme.example") },
          request,
        ),
    ],
    [
      "an Admin demotes the Superadmin",
      async () =>
        changeMemberRole(
          db(),
          await actorFor("pieter@acme.example"),
          { userId: await userId("naledi@acme.example"), roleId: await roleId(ORG_NAMES.acme, "Viewer"), pin: pinOf("pieter@acme.example") },
          context,
        ),
    ],
    [
      "an Admin removes the last Superadmin",
      async () =>
        removeMember(db(), await actorFor("pieter@acme.example"), { userId: await userId("naledi@acme.example"), pin: pinOf("pieter@acme.example") }, context),
    ],
    [
      "the Superadmin removes themselves",
      async () =>
        removeMember(db(), await actorFor("naledi@acme.example"), { userId: await userId("naledi@acme.example"), pin: pinOf("naledi@acme.example") }, context),
    ],
    [
      "an Admin hands on a Superadmin role they do not hold",
      async () =>
        handOnSuperadmin(
          db(),
          await actorFor("pieter@acme.example"),
          { userId: await userId("pieter@acme.example"), pin: pinOf("pieter@acme.example") },
          context,
        ),
    ],
    [
      "an Admin edits a role",
      async () =>
        updateRole(
          db(),
          await actorFor("pieter@acme.example"),
          {
            roleId: await roleId(ORG_NAMES.acme, "Key renewer"),
            name: "Key renewer",
            description: "",
            permissions: ["credentials:view"],
            pin: pinOf("pieter@acme.example"),
          },
          context,
        ),
    ],
    [
      "the Superadmin edits a built-in role",
      async () =>
        updateRole(
          db(),
          await actorFor("naledi@acme.example"),
          {
            roleId: await roleId(ORG_NAMES.acme, "Viewer"),
            name: "Viewer",
            description: "",
            permissions: ["credentials:view"],
            pin: pinOf("naledi@acme.example"),
          },
          context,
        ),
    ],
    [
      "a role change in another organisation",
      async () =>
        changeMemberRole(
          db(),
          await actorFor("pieter@acme.example"),
          { userId: await userId("kagiso@pending.example"), roleId: await roleId(ORG_NAMES.acme, "Viewer"), pin: pinOf("pieter@acme.example") },
          context,
        ),
    ],
    [
      "granting another organisation's role",
      async () =>
        changeMemberRole(
          db(),
          await actorFor("naledi@acme.example"),
          { userId: await userId("aisha@acme.example"), roleId: await roleId(ORG_NAMES.nkosi, "Viewer"), pin: pinOf("naledi@acme.example") },
          context,
        ),
    ],
    [
      "mass assignment of an organisation",
      async () =>
        changeMemberRole(
          db(),
          await actorFor("naledi@acme.example"),
          {
            userId: await userId("aisha@acme.example"),
            roleId: await roleId(ORG_NAMES.acme, "Developer"),
            orgId: await orgId(ORG_NAMES.nkosi),
            pin: pinOf("naledi@acme.example"),
          },
          context,
        ),
    ],
  ];

  beforeAll(async () => {
    // A custom role with a permission Admins do not hold.
    await createRole(
      db(),
      await actorFor("naledi@acme.example"),
      { name: "Credential keeper", description: "", permissions: ["keys:view", "credentials:view"], pin: pinOf("naledi@acme.example") },
      context,
    );
  });

  it.each(attempts)("%s", async (_, attempt) => {
    const before = await snapshot();
    const audits = (await db().select({ id: auditEvents.id }).from(auditEvents)).length;
    await expect(attempt()).rejects.toThrow();
    expect(await snapshot()).toBe(before);
    // Anything beyond a plain validation error is on the record.
    expect((await db().select({ id: auditEvents.id }).from(auditEvents)).length).toBeGreaterThanOrEqual(audits);
  });

  it("an Admin's refused grant is audited as denied", async () => {
    await expect(attempts[2]![1]()).rejects.toMatchObject({ code: "escalation_refused" });
    const [last] = await db().select().from(auditEvents).where(eq(auditEvents.action, "member.role_change")).orderBy(sql`id desc`).limit(1);
    expect([last!.outcome, last!.actorLabel, (last!.metadata as { reason: string }).reason]).toEqual(["denied", "pieter@acme.example", "grant_superadmin"]);
  });
});

describe("members", () => {
  it("a role change is felt on the member's very next request", async () => {
    const aisha = await actorFor("aisha@acme.example");
    expect(aisha.permissions.has("keys:renew")).toBe(false);
    await changeMemberRole(
      db(),
      await actorFor("pieter@acme.example"),
      { userId: aisha.user.id, roleId: await roleId(ORG_NAMES.acme, "Key renewer"), pin: pinOf("pieter@acme.example") },
      context,
    );
    const next = await loadActor(db(), aisha.sessionId);
    expect([next!.role!.name, next!.permissions.has("keys:renew")]).toEqual(["Key renewer", true]);
    await changeMemberRole(
      db(),
      await actorFor("pieter@acme.example"),
      { userId: aisha.user.id, roleId: await roleId(ORG_NAMES.acme, "Viewer"), pin: pinOf("pieter@acme.example") },
      context,
    );
    expect((await loadActor(db(), aisha.sessionId))!.permissions.has("keys:renew")).toBe(false);
  });

  it("an edited custom role is felt by its members on their next request", async () => {
    const johan = await actorFor("johan@acme.example");
    expect(johan.permissions.has("keys:delete")).toBe(false);
    const naledi = await actorFor("naledi@acme.example");
    const id = await roleId(ORG_NAMES.acme, "Key renewer");
    await updateRole(
      db(),
      naledi,
      { roleId: id, name: "Key renewer", description: "", permissions: ["keys:view", "keys:renew", "keys:delete"], pin: pinOf("naledi@acme.example") },
      context,
    );
    expect((await loadActor(db(), johan.sessionId))!.permissions.has("keys:delete")).toBe(true);
    await updateRole(
      db(),
      naledi,
      { roleId: id, name: "Key renewer", description: "", permissions: ["keys:view", "keys:renew"], pin: pinOf("naledi@acme.example") },
      context,
    );
    expect((await loadActor(db(), johan.sessionId))!.permissions.has("keys:delete")).toBe(false);
  });

  it("a role someone holds cannot be deleted; an unused one can", async () => {
    const naledi = await actorFor("naledi@acme.example");
    await expect(
      deleteRole(db(), naledi, { roleId: await roleId(ORG_NAMES.acme, "Key renewer"), pin: pinOf("naledi@acme.example") }, context),
    ).rejects.toMatchObject({ code: "role_in_use" });
    const { id } = await createRole(
      db(),
      naledi,
      { name: "Temporary", description: "", permissions: ["keys:view"], pin: pinOf("naledi@acme.example") },
      context,
    );
    await deleteRole(db(), naledi, { roleId: id, pin: pinOf("naledi@acme.example") }, context);
    expect(await db().select().from(roles).where(eq(roles.id, id))).toEqual([]);
  });

  it("a role name the organisation already uses is the name field's error, on create and on edit", async () => {
    const naledi = await actorFor("naledi@acme.example");
    const before = await snapshot();
    await expect(
      createRole(db(), naledi, { name: "Key renewer", description: "", permissions: ["keys:view"], pin: pinOf("naledi@acme.example") }, context),
    ).rejects.toMatchObject({
      code: "invalid_request",
      fieldErrors: { name: "A role called “Key renewer” already exists" },
    });
    expect(await snapshot()).toBe(before);
    const { id } = await createRole(
      db(),
      naledi,
      { name: "Renamed soon", description: "", permissions: ["keys:view"], pin: pinOf("naledi@acme.example") },
      context,
    );
    await expect(
      updateRole(db(), naledi, { roleId: id, name: "Key renewer", description: "", permissions: ["keys:view"], pin: pinOf("naledi@acme.example") }, context),
    ).rejects.toMatchObject({
      fieldErrors: { name: "A role called “Key renewer” already exists" },
    });
    expect((await db().select({ name: roles.name }).from(roles).where(eq(roles.id, id)))[0]!.name).toBe("Renamed soon");
    await deleteRole(db(), naledi, { roleId: id, pin: pinOf("naledi@acme.example") }, context);
  });

  it("only the Superadmin shapes roles or hands the role on: an Admin's attempt is refused and audited", async () => {
    const pieter = await actorFor("pieter@acme.example");
    await expect(
      createRole(db(), pieter, { name: "Sneaky", description: "", permissions: ["keys:view"], pin: pinOf("pieter@acme.example") }, context),
    ).rejects.toMatchObject({ code: "forbidden", message: "Only the Superadmin creates, edits and deletes roles." });
    await expect(
      handOnSuperadmin(db(), pieter, { userId: await userId("aisha@acme.example"), pin: pinOf("pieter@acme.example") }, context),
    ).rejects.toMatchObject({ code: "escalation_refused", message: "Only the Superadmin can hand the role on." });
    const denied = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.outcome, "denied"), sql`${auditEvents.metadata}->>'reason' = 'not_superadmin'`))
      .orderBy(sql`id desc`)
      .limit(2);
    expect(denied.map((e) => [e.action, e.targetType, e.actorLabel])).toEqual([
      ["member.superadmin_handover", "member", "pieter@acme.example"],
      ["role.create", "role", "pieter@acme.example"],
    ]);
    expect(await db().select({ id: roles.id }).from(roles).where(eq(roles.name, "Sneaky"))).toEqual([]);
  });

  it("invite → accept sets a password, joins with the role, and the link works once", async () => {
    const { link } = await inviteMember(
      db(),
      await actorFor("pieter@acme.example"),
      { email: "Lerato@Acme.example", roleId: await roleId(ORG_NAMES.acme, "Developer"), pin: pinOf("pieter@acme.example") },
      request,
    );
    const token = link.split("/invite/")[1]!;
    expect(link).toBe(`http://portal.test/invite/${token}`);
    const [stored] = await db().select().from(invitations).where(eq(invitations.email, "lerato@acme.example"));
    expect(stored!.tokenHash).not.toContain(token);
    expect((await findInvitation(db(), token))!.roleName).toBe("Developer");
    const accepts = await Promise.allSettled(
      [1, 2, 3].map(() => acceptInvitation(db(), { token, name: "Lerato Dube", password: "a long password 1", confirmPassword: "a long password 1" }, context)),
    );
    expect(accepts.filter((a) => a.status === "fulfilled")).toHaveLength(1);
    expect(await roleOf("lerato@acme.example")).toBe("Developer");
    const [lerato] = await db().select().from(users).where(eq(users.email, "lerato@acme.example"));
    expect([lerato!.name, lerato!.pinHash, lerato!.passwordHash.startsWith("$argon2id$")]).toEqual(["Lerato Dube", null, true]);
    expect(await findInvitation(db(), token)).toBeNull();
  });

  it("an invitation names the fields at fault, and refuses existing members", async () => {
    const pieter = await actorFor("pieter@acme.example");
    await expect(inviteMember(db(), pieter, { email: "not-an-email", roleId: "x", pin: "1" }, request)).rejects.toMatchObject({
      fieldErrors: { email: expect.any(String), roleId: expect.any(String), pin: expect.any(String) },
    });
    await expect(
      inviteMember(db(), pieter, { email: "aisha@acme.example", roleId: await roleId(ORG_NAMES.acme, "Viewer"), pin: pinOf("pieter@acme.example") }, request),
    ).rejects.toMatchObject({ fieldErrors: { email: "aisha@acme.example is already a member" } });
  });

  it("someone with a sign-in joins with the invitation while signed in, only as its addressee", async () => {
    const { link } = await inviteMember(
      db(),
      await actorFor("naledi@acme.example"),
      { email: "thabo@nkosi.example", roleId: await roleId(ORG_NAMES.acme, "Viewer"), pin: pinOf("naledi@acme.example") },
      request,
    );
    const token = link.split("/invite/")[1]!;
    expect((await findInvitation(db(), token))!.existingUser).toBe(true);
    await expect(
      acceptInvitation(db(), { token, name: "X", password: "a long password 1", confirmPassword: "a long password 1" }, context),
    ).rejects.toMatchObject({ code: "existing_user" });
    const sipho = await actorFor("sipho@acme.example");
    await expect(joinWithInvitation(db(), sipho.user, sipho.sessionId, token, context)).rejects.toMatchObject({ code: "invitation_gone" });
    const thabo = await actorFor("thabo@nkosi.example");
    await joinWithInvitation(db(), thabo.user, thabo.sessionId, token, context);
    expect(await roleOf("thabo@nkosi.example")).toBe("Viewer");
    expect((await loadActor(db(), thabo.sessionId))!.org!.name).toBe(ORG_NAMES.acme);
  });

  it("hand-on: two at once leave exactly one Superadmin, and the old one becomes an Admin", async () => {
    const naledi = await actorFor("naledi@acme.example");
    const results = await Promise.allSettled([
      handOnSuperadmin(db(), naledi, { userId: await userId("pieter@acme.example"), pin: pinOf("naledi@acme.example") }, context),
      handOnSuperadmin(db(), naledi, { userId: await userId("sipho@acme.example"), pin: pinOf("naledi@acme.example") }, context),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const superadmins = await db()
      .select({ userId: memberships.userId })
      .from(memberships)
      .innerJoin(roles, eq(roles.id, memberships.roleId))
      .where(and(eq(memberships.orgId, await orgId(ORG_NAMES.acme)), eq(roles.builtIn, "superadmin")));
    expect(superadmins).toHaveLength(1);
    expect(await roleOf("naledi@acme.example")).toBe("Admin");
    // And back, for the tests after this one.
    const heir = superadmins[0]!.userId === (await userId("pieter@acme.example")) ? "pieter@acme.example" : "sipho@acme.example";
    await handOnSuperadmin(db(), await actorFor(heir), { userId: await userId("naledi@acme.example"), pin: pinOf(heir) }, context);
    if (heir === "pieter@acme.example") expect(await roleOf("pieter@acme.example")).toBe("Admin");
    else
      await changeMemberRole(
        db(),
        await actorFor("naledi@acme.example"),
        { userId: await userId("sipho@acme.example"), roleId: await roleId(ORG_NAMES.acme, "Developer"), pin: pinOf("naledi@acme.example") },
        context,
      );
    expect(await roleOf("naledi@acme.example")).toBe("Superadmin");
  });

  it("a removed member loses the organisation on their next request", async () => {
    const aisha = await actorFor("aisha@acme.example");
    await removeMember(db(), await actorFor("pieter@acme.example"), { userId: aisha.user.id, pin: pinOf("pieter@acme.example") }, context);
    expect((await loadActor(db(), aisha.sessionId))!.org).toBeNull();
    await db()
      .insert(memberships)
      .values({ orgId: await orgId(ORG_NAMES.acme), userId: aisha.user.id, roleId: await roleId(ORG_NAMES.acme, "Viewer") });
  });
});

describe("credentials and operators", () => {
  it("rotation shows the new secret once, stores only its hash and last four, and kills the old secret's tokens", async () => {
    const acmeApp = { id: await acmeAppId() };
    const keyId = (await db().execute<{ id: string }>(sql`select id from api_keys where application_id = ${acmeApp.id} limit 1`)).rows[0]!.id;
    await db()
      .insert(accessTokens)
      .values({ tokenHash: "f".repeat(64), keyId, applicationId: acmeApp.id, expiresAt: new Date(Date.now() + 600_000) });
    const { clientSecret } = await rotateClientSecret(
      db(),
      await actorFor("naledi@acme.example"),
      { applicationId: acmeApp.id, pin: pinOf("naledi@acme.example") },
      context,
    );
    expect(clientSecret).toMatch(/^lkcs_[0-9A-Za-z]{40}$/);
    const [app] = await db().select().from(applications).where(eq(applications.id, acmeApp.id));
    expect(app!.clientSecretLast4).toBe(clientSecret.slice(-4));
    expect(JSON.stringify(app)).not.toContain(clientSecret);
    expect(await db().select().from(accessTokens).where(eq(accessTokens.applicationId, acmeApp.id))).toEqual([]);
    const [audit] = await db().select().from(auditEvents).where(eq(auditEvents.action, "credentials.rotate"));
    expect(JSON.stringify(audit)).not.toContain(clientSecret);
  });

  it("only business organisations add applications", async () => {
    const created = await addApplication(db(), await actorFor("naledi@acme.example"), { name: "Payroll sync", pin: pinOf("naledi@acme.example") }, context);
    expect(created.clientSecret).toMatch(/^lkcs_/);
    await expect(
      addApplication(db(), await actorFor("naledi@acme.example"), { name: "Payroll sync", pin: pinOf("naledi@acme.example") }, context),
    ).rejects.toMatchObject({ fieldErrors: { name: expect.stringMatching(/already exists/) } });
    await expect(
      addApplication(db(), await actorFor("thabo@nkosi.example"), { name: "Second", pin: pinOf("thabo@nkosi.example") }, context),
    ).rejects.toMatchObject({ code: "not_business" });
  });

  it("an operator approves Pending Ventures: its admin may then manage keys; every step audited", async () => {
    const pendingId = await orgId(ORG_NAMES.pending);
    const ops = await actorFor("ops@bank.example");
    await setOrganisationStatus(db(), ops, { orgId: pendingId, status: "approved", pin: pinOf("ops@bank.example") }, context);
    await setOrganisationProducts(db(), ops, { orgId: pendingId, products: ["account_information", "payments"], pin: pinOf("ops@bank.example") }, context);
    const [org] = await db().select().from(organisations).where(eq(organisations.id, pendingId));
    expect([org!.status, org!.products, org!.approvedAt !== null]).toEqual(["approved", ["account_information", "payments"], true]);
    const audit = await db()
      .select({ action: auditEvents.action, orgId: auditEvents.orgId, actor: auditEvents.actorLabel })
      .from(auditEvents)
      .where(eq(auditEvents.targetId, pendingId));
    expect(audit).toEqual(
      expect.arrayContaining([
        { action: "organisation.approve", orgId: pendingId, actor: "ops@bank.example" },
        { action: "organisation.products", orgId: pendingId, actor: "ops@bank.example" },
      ]),
    );
  });
});
