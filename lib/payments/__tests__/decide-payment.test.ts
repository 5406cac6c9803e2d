import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { AccessError } from "@/lib/auth/errors";
import { accounts, auditEvents, payments, transactions } from "@/lib/db/schema";
import { seedDemoData } from "@/lib/demo/seed";
import { DomainError, NotFoundError } from "@/lib/errors";
import { decidePayment } from "@/lib/payments/decide-payment";
import { listPaymentsForApproval } from "@/lib/payments/list-payments";
import { pendingPayment } from "@/lib/test/payments";
import { actorFor, context, db } from "@/lib/test/helpers";
import { pinOf } from "@/lib/test/keys";

const balanceOf = async (id: string) => (await db().select({ b: accounts.balance }).from(accounts).where(eq(accounts.id, id)))[0]!.b;

beforeAll(async () => {
  await seedDemoData(db());
});

describe("deciding payments", () => {
  it("lists the demo payments waiting at Acme to those who may approve, and to no one else", async () => {
    const { pending } = await listPaymentsForApproval(db(), await actorFor("pieter@acme.example"));
    expect(pending.map((p) => p.beneficiaryName)).toEqual(["Nampak Packaging", "Imperial Logistics"]);
    await expect(listPaymentsForApproval(db(), await actorFor("aisha@acme.example"))).rejects.toThrow(AccessError);
  });

  it("10 simultaneous approvals execute the payment exactly once", async () => {
    const { payment, account } = await pendingPayment(10_000n);
    const before = await balanceOf(account.id);
    const admins = await Promise.all(["naledi@acme.example", "pieter@acme.example"].map(actorFor));
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => {
        const actor = admins[i % 2]!;
        return decidePayment(db(), actor, { paymentId: payment.id, decision: "approve", pin: pinOf(actor.user.email) }, context);
      }),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r) => r.status === "rejected")) expect((r as PromiseRejectedResult).reason.code).toBe("already_decided");
    expect(await balanceOf(account.id)).toBe(before - 10_000n);
    const [after] = await db().select().from(payments).where(eq(payments.id, payment.id));
    expect(after!.status).toBe("executed");
    const [posted] = await db().select().from(transactions).where(eq(transactions.id, after!.transactionId!));
    expect([posted!.amount, posted!.balanceAfter]).toEqual([-10_000n, before - 10_000n]);
    expect(await db().$count(auditEvents, sql`${auditEvents.action} = 'payment.approve' and ${auditEvents.targetId} = ${payment.id}`)).toBe(1);
  });

  it("keeps a payment the account cannot cover waiting, with nothing debited", async () => {
    const { payment, account } = await pendingPayment(10_000_000_000n);
    const before = await balanceOf(account.id);
    const pieter = await actorFor("pieter@acme.example");
    await expect(decidePayment(db(), pieter, { paymentId: payment.id, decision: "approve", pin: pinOf("pieter@acme.example") }, context)).rejects.toMatchObject(
      {
        code: "insufficient_funds",
      },
    );
    expect(await balanceOf(account.id)).toBe(before);
    expect((await db().select().from(payments).where(eq(payments.id, payment.id)))[0]!.status).toBe("pending_approval");
    await decidePayment(db(), pieter, { paymentId: payment.id, decision: "reject", pin: pinOf("pieter@acme.example") }, context);
    expect((await db().select().from(payments).where(eq(payments.id, payment.id)))[0]!.status).toBe("rejected");
    expect(await balanceOf(account.id)).toBe(before);
  });

  it("refuses without the permission, with a wrong PIN, and across organisations — changing nothing", async () => {
    const { payment, account } = await pendingPayment(5_000n);
    const before = await balanceOf(account.id);
    await expect(
      decidePayment(db(), await actorFor("sipho@acme.example"), { paymentId: payment.id, decision: "approve", pin: pinOf("sipho@acme.example") }, context),
    ).rejects.toThrow(AccessError);
    await expect(
      decidePayment(db(), await actorFor("naledi@acme.example"), { paymentId: payment.id, decision: "approve", pin: "111222" }, context),
    ).rejects.toMatchObject({ code: "pin_invalid" });
    await expect(
      decidePayment(db(), await actorFor("thabo@nkosi.example"), { paymentId: payment.id, decision: "approve", pin: pinOf("thabo@nkosi.example") }, context),
    ).rejects.toThrow(NotFoundError);
    await expect(
      decidePayment(db(), await actorFor("naledi@acme.example"), { paymentId: payment.id, decision: "maybe", pin: pinOf("naledi@acme.example") }, context),
    ).rejects.toThrow(DomainError);
    expect(await balanceOf(account.id)).toBe(before);
    expect((await db().select().from(payments).where(eq(payments.id, payment.id)))[0]!.status).toBe("pending_approval");
  });
});
