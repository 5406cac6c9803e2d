import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { env } from "@/lib/env";
import { webhookEndpoints } from "@/lib/db/schema";
import { generateWebhookSecret, sealWebhookSecret } from "@/lib/webhooks/secret";
import { db } from "./helpers";

/** What a test receiver was sent, one entry per request. */
export interface ReceivedWebhook {
  /** The request's path and query: which endpoint it was sent to. */
  path: string;
  id: string;
  headers: Record<string, string>;
  body: string;
  startedAt: number;
}

export type ReceiverAnswer = { status: number; body?: string; headers?: Record<string, string>; delayMs?: number };

/**
 * A real HTTP receiver on 127.0.0.1 (reached only with LATCHKEY_WEBHOOKS_ALLOW_PRIVATE=1). `answer`
 * decides each response; it records every request, and whether one webhook-id was ever in flight
 * twice at the same moment to the same endpoint (path).
 */
export async function startReceiver(answer: (request: ReceivedWebhook, index: number) => ReceiverAnswer = () => ({ status: 200 })) {
  const received: ReceivedWebhook[] = [];
  const inFlight = new Map<string, number>();
  const state = { answer, concurrentDuplicates: 0, maxInFlight: 0, current: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const id = String(req.headers["webhook-id"] ?? "");
      const path = req.url ?? "";
      const flight = `${path} ${id}`;
      const entry: ReceivedWebhook = {
        path,
        id,
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : String(v)])),
        body: Buffer.concat(chunks).toString("utf8"),
        startedAt: Date.now(),
      };
      const index = received.push(entry) - 1;
      if ((inFlight.get(flight) ?? 0) > 0) state.concurrentDuplicates += 1;
      inFlight.set(flight, (inFlight.get(flight) ?? 0) + 1);
      state.current += 1;
      state.maxInFlight = Math.max(state.maxInFlight, state.current);
      const reply = state.answer(entry, index);
      const respond = () => {
        inFlight.set(flight, inFlight.get(flight)! - 1);
        state.current -= 1;
        if (res.destroyed) return;
        res.writeHead(reply.status, reply.headers ?? {});
        res.end(reply.body ?? "");
      };
      if (reply.delayMs) setTimeout(respond, reply.delayMs);
      else respond();
    });
  });
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const ENCRYPTION_KEY = "a-test-encryption-key-for-webhook-secrets-0123456789";

/**
 * Sets what the webhook tests need in the parsed environment: a sealing key, and whether private
 * (loopback) destinations are allowed. Returns the function that puts the previous values back.
 */
export function webhookTestEnv(options: { allowPrivate: boolean }) {
  const before = { LATCHKEY_ENCRYPTION_KEY: env.LATCHKEY_ENCRYPTION_KEY, LATCHKEY_WEBHOOKS_ALLOW_PRIVATE: env.LATCHKEY_WEBHOOKS_ALLOW_PRIVATE };
  Object.assign(env, {
    LATCHKEY_ENCRYPTION_KEY: env.LATCHKEY_ENCRYPTION_KEY ?? ENCRYPTION_KEY,
    LATCHKEY_WEBHOOKS_ALLOW_PRIVATE: options.allowPrivate ? "1" : "0",
  });
  return () => Object.assign(env, before);
}

/** Allows or refuses private destinations for the rest of the test (restore with the returned function). */
export function allowPrivateWebhooks(allow: boolean) {
  const before = env.LATCHKEY_WEBHOOKS_ALLOW_PRIVATE;
  env.LATCHKEY_WEBHOOKS_ALLOW_PRIVATE = allow ? "1" : "0";
  return () => {
    env.LATCHKEY_WEBHOOKS_ALLOW_PRIVATE = before;
  };
}

/** An endpoint row written directly (the portal's command is tested on its own), with its secret. */
export async function insertEndpoint(orgId: string, url: string, options: { eventTypes?: string[]; description?: string } = {}) {
  const id = randomUUID();
  const secret = generateWebhookSecret();
  await db()
    .insert(webhookEndpoints)
    .values({
      id,
      orgId,
      url,
      description: options.description ?? "",
      eventTypes: options.eventTypes ?? ["key.created"],
      secretSealed: sealWebhookSecret(secret, id),
      secretLast4: secret.slice(-4),
    });
  return { id, secret };
}
