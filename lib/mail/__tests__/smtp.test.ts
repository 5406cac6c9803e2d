import { createServer, type Server } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emailOutbox } from "@/lib/db/schema";
import { deliverOutbox, queueEmail, smtpTransportFor } from "@/lib/mail/outbox";
import { db } from "@/lib/test/helpers";

interface Received {
  from: string;
  to: string[];
  data: string;
}

/**
 * A small SMTP server (RFC 5321's plain dialogue, no TLS, no auth): enough for nodemailer to hand it
 * messages over a real socket, and for the test to read what arrived.
 */
function smtpServer(received: Received[], refuse?: (to: string) => boolean): Server {
  return createServer((socket) => {
    let buffer = "";
    let inData = false;
    let current: Received = { from: "", to: [], data: "" };
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply("220 mail.test ESMTP");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      for (;;) {
        if (inData) {
          const end = buffer.indexOf("\r\n.\r\n");
          if (end < 0) return;
          current.data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          inData = false;
          received.push(current);
          current = { from: "", to: [], data: "" };
          reply("250 2.0.0 queued");
          continue;
        }
        const eol = buffer.indexOf("\r\n");
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO" || verb === "HELO") reply("250 mail.test");
        else if (verb === "MAIL") {
          current.from = line.match(/<(.*)>/)?.[1] ?? "";
          reply("250 2.1.0 ok");
        } else if (verb === "RCPT") {
          const to = line.match(/<(.*)>/)?.[1] ?? "";
          if (refuse?.(to)) reply("550 5.1.1 mailbox unavailable");
          else {
            current.to.push(to);
            reply("250 2.1.5 ok");
          }
        } else if (verb === "DATA") {
          inData = true;
          reply("354 end with <CRLF>.<CRLF>");
        } else if (verb === "RSET") {
          current = { from: "", to: [], data: "" };
          reply("250 ok");
        } else if (verb === "QUIT") {
          reply("221 bye");
          socket.end();
        } else reply("502 5.5.2 not implemented");
      }
    });
  });
}

const received: Received[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  server = smtpServer(received, (to) => to.startsWith("bounce@"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  url = `smtp://127.0.0.1:${address.port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("delivery through SMTP_URL", () => {
  it("hands each queued message to the SMTP server once, and marks it sent", async () => {
    await queueEmail(db(), { dedupeKey: "smtp:1", to: "naledi@acme.example", subject: "Latchkey: “ERP sync” freezes in 3 days", body: "Renew it: http://portal.test/keys/1" });
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
