import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq, like } from "drizzle-orm";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutboxTable } from "@/components/ops/outbox-table";
import { emailOutbox, organisations, roles } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { env } from "@/lib/env";
import { listOutbox } from "@/lib/mail/list-outbox";
import { deliverOutbox, LINK_PLACEHOLDER, mailConfigured, queueEmail, smtpTransportFor } from "@/lib/mail/outbox";
import { inviteMember } from "@/lib/members/invite-member";
import { sealingKey, sealWith } from "@/lib/security/seal";
import { actorFor, context, db } from "@/lib/test/helpers";
import { pinOf } from "@/lib/test/keys";
import { type Received, readableText, startSmtpServer } from "./smtp-server";

const before = { SMTP_URL: env.SMTP_URL, AUTH_SECRET: env.AUTH_SECRET, LATCHKEY_DATA_DIR: env.LATCHKEY_DATA_DIR };
const dataDir = mkdtempSync(path.join(os.tmpdir(), "latchkey-outbox-"));
const SECRET = "the-secret-npm-start-generated-into-the-data-folder";
const LINK = "http://portal.test/invite/lkinv_FolderSecretFolderSecretFolderSecretFolder";
let acmeId: string;

beforeAll(async () => {
  // No SMTP_URL and no AUTH_SECRET in the environment, and a data folder with no auth-secret yet.
  Object.assign(env, { SMTP_URL: undefined, AUTH_SECRET: undefined, LATCHKEY_DATA_DIR: dataDir });
  await seedDemoData(db());
  acmeId = (await db().select().from(organisations).where(eq(organisations.name, ORG_NAMES.acme)))[0]!.id;
});

afterAll(() => {
  Object.assign(env, before);
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the outbox without SMTP_URL, where mail never leaves", () => {
  it("queues no invitation (the inviter is shown the link), and the page says so and shows the bodies it has", async () => {
    expect(mailConfigured()).toBe(false);
    const [developer] = await db()
      .select()
      .from(roles)
      .where(and(eq(roles.orgId, acmeId), eq(roles.name, "Developer")));
    const result = await inviteMember(
      db(),
      await actorFor("naledi@acme.example"),
      { email: "demo.invitee@acme.example", roleId: developer!.id, pin: pinOf("naledi@acme.example") },
      { ...context, origin: "http://portal.test" },
    );
    expect(result).toMatchObject({ emailed: false, link: expect.stringMatching(/^http:\/\/portal\.test\/invite\/lkinv_/) });
    expect(await db().$count(emailOutbox, like(emailOutbox.dedupeKey, "invitation:%"))).toBe(0);

    await queueEmail(db(), {
      dedupeKey: "reminder:demo",
      to: "thabo@nkosi.example",
      subject: "Latchkey: “Budget app” freezes in 3 days",
      body: "The API key “Budget app” freezes soon.\n\nRenew it: http://portal.test/keys/1",
    });
    // A message with a sealed link, queued while SMTP was configured: its body shows where the link goes, never the link.
    const sealedLink = sealWith(
      sealingKey(SECRET, "email_outbox.sealed_link"),
      LINK,
      JSON.stringify(["email_outbox", "invitation:earlier", "earlier@acme.example"]),
    );
    await db()
      .insert(emailOutbox)
      .values({
        dedupeKey: "invitation:earlier",
        toAddress: "earlier@acme.example",
        subject: "Join Acme",
        body: `Accept within 7 days:\n${LINK_PLACEHOLDER}\n\nThe link works once.`,
        sealedLink,
      });

    const outbox = await listOutbox(db(), await actorFor("ops@bank.example"));
    expect(outbox.mailConfigured).toBe(false);
    expect(outbox.messages.find((m) => m.toAddress === "thabo@nkosi.example")).toMatchObject({
      status: "queued",
      attempts: 0,
      body: expect.stringContaining("Renew it: http://portal.test/keys/1"),
    });
    const html = renderToStaticMarkup(createElement(OutboxTable, { outbox }));
    expect(html).toContain("E-mail is not configured (SMTP_URL), so messages stay here and are never sent");
    expect(html).toContain("Invitation links are not queued here: whoever invites someone is shown the link once, to pass on themselves.");
    expect(html).toContain("Renew it: http://portal.test/keys/1");
    expect(html).toContain("Waiting");
    expect(html).toContain("[one-time link — sealed, only put in when the message is sent]");
    expect(html).not.toContain("lkinv_");
    expect(html).not.toContain(LINK_PLACEHOLDER);
    expect(html).toMatch(/<summary[^>]*focus-visible:outline-2/);
  });

  it("without AUTH_SECRET a sealed message waits untouched; with the data folder's generated secret it is sent", async () => {
    const received: Received[] = [];
    const smtp = await startSmtpServer(received);
    try {
      const transport = smtpTransportFor(smtp.url);
      await deliverOutbox(db(), transport);
      const [waiting] = await db().select().from(emailOutbox).where(eq(emailOutbox.dedupeKey, "invitation:earlier"));
      expect(waiting).toMatchObject({ sentAt: null, attempts: 0, lastError: null, sealedLink: expect.stringMatching(/^v1\./) });
      expect(received.map((r) => r.to[0])).toEqual(["thabo@nkosi.example"]);

      writeFileSync(path.join(dataDir, "auth-secret"), `${SECRET}\n`);
      expect(await deliverOutbox(db(), transport)).toEqual({ sent: 1, failed: 0 });
      expect(readableText(received.at(-1)!.data)).toContain(`Accept within 7 days:\r\n${LINK}\r\n`);
      const [sent] = await db().select().from(emailOutbox).where(eq(emailOutbox.dedupeKey, "invitation:earlier"));
      expect(sent).toMatchObject({ attempts: 1, sealedLink: null });
    } finally {
      await smtp.close();
    }
  });
});
