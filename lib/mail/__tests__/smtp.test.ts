import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emailOutbox } from "@/lib/db/schema";
import { deliverOutbox, queueEmail, smtpTransportFor } from "@/lib/mail/outbox";
import { db } from "@/lib/test/helpers";
import { type Received, startSmtpServer } from "./smtp-server";

const received: Received[] = [];
let url: string;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ url, close } = await startSmtpServer(received, (to) => to.startsWith("bounce@")));
});

afterAll(() => close());

describe("delivery through SMTP_URL", () => {
  it("hands each queued message to the SMTP server once, and marks it sent", async () => {
    await queueEmail(db(), {
      dedupeKey: "smtp:1",
      to: "naledi@acme.example",
      subject: "Latchkey: “ERP sync” freezes in 3 days",
      body: "Renew it: http://portal.test/keys/1",
    });
    await queueEmail(db(), { dedupeKey: "smtp:1", to: "naledi@acme.example", subject: "again", body: "again" });
    await queueEmail(db(), { dedupeKey: "smtp:2", to: "bounce@acme.example", subject: "Refused", body: "b" });

    const transport = smtpTransportFor(url);
    const first = await deliverOutbox(db(), transport);
    expect(first).toEqual({ sent: 1, failed: 1 });
    expect(received).toHaveLength(1);
    expect(received[0]!.to).toEqual(["naledi@acme.example"]);
    expect(received[0]!.from).toBe("no-reply@latchkey.example");
    expect(received[0]!.data).toMatch(/^To: naledi@acme\.example$/m);
    expect(received[0]!.data).toContain("Renew it: http://portal.test/keys/1");

    const rows = await db().select().from(emailOutbox).orderBy(emailOutbox.dedupeKey);
    expect(rows.map((r) => [r.dedupeKey, r.sentAt !== null, r.attempts])).toEqual([
      ["smtp:1", true, 1],
      ["smtp:2", false, 1],
    ]);
    expect(rows[1]!.lastError).toMatch(/550/);

    // A second round sends nothing new to the first address and tries the refused one again.
    expect(await deliverOutbox(db(), transport)).toEqual({ sent: 0, failed: 1 });
    expect(received).toHaveLength(1);
    const [refused] = await db().select().from(emailOutbox).where(eq(emailOutbox.dedupeKey, "smtp:2"));
    expect(refused!.attempts).toBe(2);
  });
});
