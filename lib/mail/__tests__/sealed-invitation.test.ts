import { and, eq, inArray, sql } from "drizzle-orm";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutboxTable } from "@/components/ops/outbox-table";
import { emailOutbox, invitations, memberships, organisations, roles, users } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { env } from "@/lib/env";
import { seedDemoData } from "@/lib/demo/seed";
import { listOutbox } from "@/lib/mail/list-outbox";
import { deliverOutbox, LINK_PLACEHOLDER, MAX_ATTEMPTS, mailConfigured, queueEmail, smtpTransportFor } from "@/lib/mail/outbox";
import { acceptInvitation } from "@/lib/members/accept-invitation";
import { inviteMember } from "@/lib/members/invite-member";
import { sealingKey, sealWith } from "@/lib/security/seal";
import { actorFor, context, db } from "@/lib/test/helpers";
import { pinOf } from "@/lib/test/keys";
import { type Received, readableText, startSmtpServer } from "./smtp-server";
import { captureOutput } from "@/lib/test/output";

// Mail is configured for this file (the parsed environment, as SMTP_URL and AUTH_SECRET would set
// it); the transport itself is the fake server below, handed to deliverOutbox.
const AUTH_SECRET = "an-auth-secret-for-the-sealed-outbox-test-0123456789";
const configured = { SMTP_URL: env.SMTP_URL, AUTH_SECRET: env.AUTH_SECRET };

const request = { ...context, origin: "http://portal.test" };
const received: Received[] = [];
let url: string;
let close: () => Promise<void>;
let acmeId: string;

const roleId = async (name: string) =>
  (
    await db()
      .select()
      .from(roles)
      .where(and(eq(roles.orgId, acmeId), eq(roles.name, name)))
  )[0]!.id;
const deliver = () => deliverOutbox(db(), smtpTransportFor(url));
const outboxRow = async (to: string) => (await db().execute<Record<string, unknown>>(sql`select * from email_outbox where to_address = ${to}`)).rows[0]!;
const textTo = (to: string) => received.filter((r) => r.to.includes(to)).map((r) => readableText(r.data));

async function invite(email: string, role = "Admin") {
  const result = await inviteMember(
    db(),
    await actorFor("naledi@acme.example"),
    { email, roleId: await roleId(role), pin: pinOf("naledi@acme.example") },
    request,
  );
  expect(result.emailed).toBe(true);
  return result.link;
}

/** Accepts as a new person with a token; "joined", or the refusal's code. */
const accept = (token: string) =>
  acceptInvitation(db(), { token, name: "Mallory", password: "a-long-password-1", confirmPassword: "a-long-password-1" }, context).then(
    () => "joined",
    (error: { code?: string }) => error.code ?? "error",
  );

/** Every URL-ish piece of a text, and every token-ish piece of those: all a reader could try. */
function candidates(text: string): string[] {
  const found = new Set<string>();
  for (const piece of text.split(/[\s"'<>()[\]{}|,;\\]+/)) {
    if (!piece) continue;
    found.add(piece);
    for (const part of piece.split(/[/?#=&:.]+/)) if (part) found.add(part);
    for (const match of piece.matchAll(/lkinv_[0-9A-Za-z]*/g)) found.add(match[0]);
    const afterInvite = piece.split("/invite/")[1];
    if (afterInvite) found.add(afterInvite);
  }
  return [...found];
}

beforeAll(async () => {
  Object.assign(env, { SMTP_URL: "smtp://127.0.0.1:1", AUTH_SECRET });
  ({ url, close } = await startSmtpServer(received, (to) => to.startsWith("bounce")));
  await seedDemoData(db());
  acmeId = (await db().select().from(organisations).where(eq(organisations.name, ORG_NAMES.acme)))[0]!.id;
});

afterAll(async () => {
  Object.assign(env, configured);
  await close();
});

describe("an e-mailed invitation keeps no usable link at rest", () => {
  it("the outbox row holds no link that accepts it; SMTP is handed the one that does; once sent, the row holds no link at all", async () => {
    expect(mailConfigured()).toBe(true);
    const link = await invite("new.admin@acme.example");
    const token = link.split("/invite/")[1]!;

    const row = await outboxRow("new.admin@acme.example");
    const everyColumn = JSON.stringify(row);
    expect(everyColumn).not.toContain(token);
    expect(everyColumn).not.toContain("lkinv_");
    expect(everyColumn).not.toContain("/invite/");
    expect(String(row.body).split("\n")).toContain(LINK_PLACEHOLDER);
    expect(row.sealed_link).toMatch(/^v1\.[A-Za-z0-9_-]+$/);

    // Whoever reads the table tries every piece of every column: none is accepted.
    const tries = candidates(Object.values(row).map(String).join("\n"));
    expect(tries.length).toBeGreaterThan(20);
    for (const attempt of tries) expect(await accept(attempt), attempt).not.toBe("joined");
    const [pending] = await db().select().from(invitations).where(eq(invitations.email, "new.admin@acme.example"));
    expect(pending!.acceptedAt).toBeNull();

    expect(await deliver()).toEqual({ sent: 1, failed: 0 });
    const [mail] = textTo("new.admin@acme.example");
    expect(mail).toContain(`Accept within 7 days:\r\n${link}\r\n`);
    expect(mail).not.toContain(LINK_PLACEHOLDER);

    const sent = await outboxRow("new.admin@acme.example");
    expect(sent.sent_at).not.toBeNull();
    expect(sent.sealed_link).toBeNull();
    expect(sent.attempts).toBe(1);
    expect(JSON.stringify(sent)).not.toContain(token);
    expect(sent.body).toBe(row.body);

    // The link the person received works, once.
    const receivedToken = mail!.match(/\/invite\/(lkinv_[0-9A-Za-z]{43})/)![1]!;
    expect(await accept(receivedToken)).toBe("joined");
    const [joined] = await db()
      .select({ role: roles.name })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .innerJoin(roles, eq(roles.id, memberships.roleId))
      .where(and(eq(users.email, "new.admin@acme.example"), eq(memberships.orgId, acmeId)));
    expect(joined!.role).toBe("Admin");
    expect(await accept(receivedToken)).toBe("invitation_gone");
  });

  it("/ops/outbox shows recipient, subject, status and attempts — and no body or link — when SMTP is configured", async () => {
    const link = await invite("page.check@acme.example", "Developer");
    const token = link.split("/invite/")[1]!;
    const operator = await actorFor("ops@bank.example");

    const render = async () => {
      const outbox = await listOutbox(db(), operator);
      return { outbox, html: renderToStaticMarkup(createElement(OutboxTable, { outbox })) };
    };
    const queued = await render();
    expect(queued.outbox.mailConfigured).toBe(true);
    const message = queued.outbox.messages.find((m) => m.toAddress === "page.check@acme.example")!;
    expect(message).toMatchObject({ subject: "Naledi Dlamini invited you to Acme Holdings on Latchkey", status: "queued", attempts: 0, body: null });
    expect(JSON.stringify(queued.outbox)).not.toContain("lkinv_");
    expect(queued.html).toContain("page.check@acme.example");
    expect(queued.html).toContain("Naledi Dlamini invited you to Acme Holdings on Latchkey");
    expect(queued.html).toContain("Queued");
    expect(queued.html).toContain("Only the recipient, subject and status are shown here");

    await deliver();
    const sent = await render();
    expect(sent.outbox.messages.find((m) => m.toAddress === "page.check@acme.example")).toMatchObject({ status: "sent", attempts: 1, body: null });
    const cells = (sent.html.match(/<tr>.*?page\.check@acme\.example.*?<\/tr>/) ?? [""])[0];
    expect(cells).toMatch(/Sent/);
    expect(cells).toMatch(/>1<\/td>/);
    for (const page of [queued.html, sent.html]) {
      expect(page).not.toContain(token);
      expect(page).not.toContain("lkinv_");
      expect(page).not.toContain("/invite/");
      expect(page).not.toContain("Accept within");
      expect(page).not.toContain("<details");
    }
    // The page's data and markup for bank operators only: a customer Superadmin is refused.
    await expect(listOutbox(db(), await actorFor("naledi@acme.example"))).rejects.toMatchObject({ code: "not_operator" });
  });

  it("a failed send keeps the sealed link for the next try, which sends the working link", async () => {
    const link = await invite("bounce.once@acme.example", "Viewer");
    const sealed = (await outboxRow("bounce.once@acme.example")).sealed_link;
    expect(sealed).toMatch(/^v1\./);
    expect((await deliver()).failed).toBeGreaterThanOrEqual(1);

    const released = await outboxRow("bounce.once@acme.example");
    expect(released).toMatchObject({ sent_at: null, attempts: 1, sealed_link: sealed });
    expect(released.last_error).toMatch(/550/);
    expect(String(released.last_error)).not.toContain("lkinv_");
    expect(textTo("bounce.once@acme.example")).toHaveLength(0);

    // The mailbox comes back (a server that refuses nobody): the second try sends the same working link and erases it.
    const messages = received.length;
    const original = await startSmtpServer(received);
    try {
      expect(await deliverOutbox(db(), smtpTransportFor(original.url))).toMatchObject({ sent: 1 });
    } finally {
      await original.close();
    }
    expect(received.length).toBe(messages + 1);
    expect(readableText(received.at(-1)!.data)).toContain(link);
    expect(await outboxRow("bounce.once@acme.example")).toMatchObject({ attempts: 2, sealed_link: null });
    expect(await accept(link.split("/invite/")[1]!)).toBe("joined");
  });

  it("a message given up after the last attempt has its sealed link erased, and is shown as failed", async () => {
    await invite("bounce.always@acme.example", "Viewer");
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      await deliver();
      const row = await outboxRow("bounce.always@acme.example");
      expect(row.attempts).toBe(attempt);
      expect(row.sent_at).toBeNull();
      if (attempt < MAX_ATTEMPTS) expect(row.sealed_link).not.toBeNull();
      else expect(row.sealed_link).toBeNull();
    }
    await deliver();
    expect((await outboxRow("bounce.always@acme.example")).attempts).toBe(MAX_ATTEMPTS);
    expect(textTo("bounce.always@acme.example")).toHaveLength(0);

    const outbox = await listOutbox(db(), await actorFor("ops@bank.example"));
    const message = outbox.messages.find((m) => m.toAddress === "bounce.always@acme.example")!;
    expect(message).toMatchObject({ status: "failed", willRetry: false, attempts: MAX_ATTEMPTS });
    const html = renderToStaticMarkup(createElement(OutboxTable, { outbox }));
    expect(html).toContain(`Given up after ${MAX_ATTEMPTS} attempts.`);
    expect(html).toMatch(/Last error: [^<]*550 5\.1\.1 mailbox unavailable/);
  });
});

describe("deliveries running at the same moment", () => {
  it("send each sealed message once, with its own link, and leave no link behind", async () => {
    const links = Array.from({ length: 12 }, (_, i) => `http://portal.test/invite/lkinv_Concurrent${String(i).padStart(2, "0")}ConcurrentConcurrentConcurrent`);
    for (const [i, link] of links.entries()) {
      await queueEmail(db(), { dedupeKey: `concurrent:${i}`, to: `concurrent${i}@acme.example`, subject: "Join", body: `Accept:\n${LINK_PLACEHOLDER}`, link });
    }
    const results = await Promise.all([deliver(), deliver(), deliver()]);
    expect(results.reduce((sum, r) => sum + r.sent, 0)).toBeGreaterThanOrEqual(12);
    for (const [i, link] of links.entries()) {
      const texts = textTo(`concurrent${i}@acme.example`);
      expect(texts).toHaveLength(1);
      expect(texts[0]).toContain(`Accept:\r\n${link}`);
      expect(await outboxRow(`concurrent${i}@acme.example`)).toMatchObject({ attempts: 1, sealed_link: null });
    }
  });
});

describe("a tampered sealed link never sends a broken or forged link", () => {
  const REAL = "http://portal.test/invite/lkinv_RealRealRealRealRealRealRealRealRealRealRea";
  const FORGED = "http://evil.test/invite/lkinv_ForgedForgedForgedForgedForgedForgedForged";
  const context = (dedupeKey: string, to: string) => JSON.stringify(["email_outbox", dedupeKey, to]);

  /** Each case: what to write into sealed_link, given the row's own sealed value. */
  const cases: [string, (sealed: string, dedupeKey: string, to: string) => string][] = [
    ["one character changed", (s) => s.slice(0, 10) + (s[10] === "A" ? "B" : "A") + s.slice(11)],
    ["the last character changed", (s) => s.slice(0, -1) + (s.at(-1) === "A" ? "B" : "A")],
    ["truncated", (s) => s.slice(0, -4)],
    ["extended", (s) => `${s}AAAA`],
    ["only the version", () => "v1."],
    ["empty", () => ""],
    ["another version", (s) => `v2.${s.slice(3)}`],
    ["the plain forged link", () => FORGED],
    ["huge", () => `v1.${"A".repeat(200_000)}`],
    ["control characters", (s) => `${s.slice(0, 8)}\u0001\u001f\u007f${s.slice(8)}`],
    ["forged under another AUTH_SECRET", (_, k, to) => sealWith(sealingKey(`${AUTH_SECRET}-not`, "email_outbox.sealed_link"), FORGED, context(k, to))],
    ["sealed for another recipient", (_, k) => sealWith(sealingKey(AUTH_SECRET, "email_outbox.sealed_link"), FORGED, context(k, "mallory@evil.example"))],
    ["sealed for another message", (_, __, to) => sealWith(sealingKey(AUTH_SECRET, "email_outbox.sealed_link"), FORGED, context("invitation:another", to))],
  ];

  it.each(cases)("%s: not sent, marked failed, the error logged without the value", async (name, tamper) => {
    const slug = name.replace(/[^a-z]+/g, "-");
    const to = `tamper-${slug}@acme.example`;
    const dedupeKey = `tamper:${slug}`;
    await queueEmail(db(), { dedupeKey, to, subject: "Join Acme", body: `Accept:\n${LINK_PLACEHOLDER}\n`, link: REAL });
    const value = tamper((await outboxRow(to)).sealed_link as string, dedupeKey, to);
    await db().update(emailOutbox).set({ sealedLink: value }).where(eq(emailOutbox.dedupeKey, dedupeKey));

    const { text: logged, lines } = await captureOutput(() => deliver());
    expect(textTo(to)).toHaveLength(0);
    expect(received.some((r) => r.data.includes("evil.test") || r.data.includes(LINK_PLACEHOLDER))).toBe(false);
    const row = await outboxRow(to);
    expect(row).toMatchObject({
      sent_at: null,
      attempts: 1,
      last_error: "Not sent: its sealed link did not open (altered, or sealed under another AUTH_SECRET).",
    });
    const line = lines.find((l) => l.messageId === row.id);
    expect(line).toMatchObject({ level: "error", msg: expect.stringMatching(/not sent: its sealed link did not open/) });
    if (value.length > 4) {
      expect(logged).not.toContain(value.slice(3, 40));
      expect(String(row.last_error)).not.toContain(value.slice(3, 40));
    }
    const outbox = await listOutbox(db(), await actorFor("ops@bank.example"));
    expect(outbox.messages.find((m) => m.toAddress === to)).toMatchObject({ status: "failed", willRetry: true });
  });

  it("a body without its placeholder, or a placeholder without its sealed link, is not sent either", async () => {
    await queueEmail(db(), { dedupeKey: "tamper:body", to: "tamper-body@acme.example", subject: "s", body: `Accept:\n${LINK_PLACEHOLDER}`, link: REAL });
    await db().update(emailOutbox).set({ body: "Accept: http://evil.test/" }).where(eq(emailOutbox.dedupeKey, "tamper:body"));
    await queueEmail(db(), { dedupeKey: "tamper:nolink", to: "tamper-nolink@acme.example", subject: "s", body: `Accept:\n${LINK_PLACEHOLDER}`, link: REAL });
    await db().update(emailOutbox).set({ sealedLink: null }).where(eq(emailOutbox.dedupeKey, "tamper:nolink"));
    await captureOutput(() => deliver());
    expect(textTo("tamper-body@acme.example")).toHaveLength(0);
    expect(textTo("tamper-nolink@acme.example")).toHaveLength(0);
    const rows = await db()
      .select()
      .from(emailOutbox)
      .where(inArray(emailOutbox.dedupeKey, ["tamper:body", "tamper:nolink"]));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatchObject({ sentAt: null, lastError: "Not sent: its link is missing." });
  });

  it("queueing refuses a link with no place in the body, or a placeholder without a link", async () => {
    const message = { dedupeKey: "refused", to: "x@acme.example", subject: "s" };
    await expect(queueEmail(db(), { ...message, body: "no place", link: REAL })).rejects.toThrow(/needs one line/);
    await expect(queueEmail(db(), { ...message, body: `${LINK_PLACEHOLDER}\n${LINK_PLACEHOLDER}`, link: REAL })).rejects.toThrow(/needs one line/);
    await expect(queueEmail(db(), { ...message, body: `inline ${LINK_PLACEHOLDER}`, link: REAL })).rejects.toThrow(/needs one line/);
    await expect(queueEmail(db(), { ...message, body: LINK_PLACEHOLDER })).rejects.toThrow(/cannot have/);
    expect(await db().$count(emailOutbox, eq(emailOutbox.dedupeKey, "refused"))).toBe(0);
  });
});
