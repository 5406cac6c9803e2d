import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { rotateClientSecret } from "@/lib/credentials/manage-applications";
import { accounts, applications, organisations, payments } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { createKey } from "@/lib/keys/create-key";
import { setOrganisationStatus } from "@/lib/ops/manage-organisation";
import { decidePayment } from "@/lib/payments/decide-payment";
import { actorFor, context, db } from "@/lib/test/helpers";
import { pinOf, validKeyInput } from "@/lib/test/keys";

let acmeId: string;

beforeAll(async () => {
  await seedDemoData(db());
  acmeId = (await db().select().from(organisations).where(eq(organisations.name, ORG_NAMES.acme)))[0]!.id;
});

async function setAcme(status: "approved" | "suspended") {
  await setOrganisationStatus(db(), await actorFor("ops@bank.example"), { orgId: acmeId, status, pin: pinOf("ops@bank.example") }, context);
}

describe("a suspended organisation", () => {
  it("approves and rejects no payment, executes none, rotates no secret and creates no key; all resume on reinstatement", async () => {
    const [account] = await db().select().from(accounts).where(eq(accounts.name, "Acme Retail ZAR operating"));
    const [payment] = await db()
      .insert(payments)
      .values({
        orgId: acmeId,
        accountId: account!.id,
        amount: 5_000n,
        currency: "ZAR",
        beneficiaryName: "Frozen Ltd",
        beneficiaryAccountNumber: "1234567890",
        beneficiaryBankCode: "250655",
        reference: "While suspended",
      })
      .returning();
    const [erp] = await db().select().from(applications).where(eq(applications.name, "ERP integration"));
    const naledi = await actorFor("naledi@acme.example");
    const keyInput = await validKeyInput(naledi, { alias: "While suspended" });

    await setAcme("suspended");
    const suspended = await actorFor("naledi@acme.example");
    const pin = pinOf("naledi@acme.example");
    for (const decision of ["approve", "reject"] as const) {
      await expect(decidePayment(db(), suspended, { paymentId: payment!.id, decision, pin }, context)).rejects.toMatchObject({
        code: "organisation_suspended",
      });
    }
    await expect(rotateClientSecret(db(), suspended, { applicationId: erp!.id, pin }, context)).rejects.toMatchObject({ code: "organisation_suspended" });
    await expect(createKey(db(), suspended, { ...keyInput, pin }, context)).rejects.toMatchObject({ code: "key_management_closed" });

    const [still] = await db().select().from(payments).where(eq(payments.id, payment!.id));
    expect(still!.status).toBe("pending_approval");
    expect((await db().select().from(accounts).where(eq(accounts.id, account!.id)))[0]!.balance).toBe(account!.balance);
    expect((await db().select().from(applications).where(eq(applications.id, erp!.id)))[0]!.clientSecretHash).toBe(erp!.clientSecretHash);

    // An actor read before the suspension (a request already under way) is refused by the check inside the transaction.
    await expect(decidePayment(db(), naledi, { paymentId: payment!.id, decision: "approve", pin }, context)).rejects.toMatchObject({
      code: "organisation_suspended",
    });

    await setAcme("approved");
    const reinstated = await actorFor("naledi@acme.example");
    expect(await decidePayment(db(), reinstated, { paymentId: payment!.id, decision: "approve", pin }, context)).toEqual({ status: "executed" });
  });
});
