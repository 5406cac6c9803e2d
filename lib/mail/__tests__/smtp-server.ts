import { createServer, type Server } from "node:net";

export interface Received {
  from: string;
  to: string[];
  data: string;
}

/**
 * A small SMTP server (RFC 5321's plain dialogue, no TLS, no auth): enough for nodemailer to hand it
 * messages over a real socket, and for the test to read what arrived.
 */
export function smtpServer(received: Received[], refuse?: (to: string) => boolean): Server {
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

/** Starts a fake SMTP server on a free loopback port; its URL, and a way to stop it. */
export async function startSmtpServer(received: Received[], refuse?: (to: string) => boolean): Promise<{ url: string; close: () => Promise<void> }> {
  const server = smtpServer(received, refuse);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  return { url: `smtp://127.0.0.1:${address.port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A received message's text as a person reads it: headers and body, quoted-printable decoded. */
export function readableText(data: string): string {
  const split = data.indexOf("\r\n\r\n");
  const headers = data.slice(0, split);
  const body = data.slice(split + 4);
  if (!/^Content-Transfer-Encoding:\s*quoted-printable/im.test(headers)) return `${headers}\r\n\r\n${body}`;
  const bytes = Buffer.from(
    body.replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    "latin1",
  );
  return `${headers}\r\n\r\n${bytes.toString("utf8")}`;
}
