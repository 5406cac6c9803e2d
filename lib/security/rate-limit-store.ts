import "server-only";
import { createClient } from "redis";
import type { Executor } from "@/lib/db";
import { env } from "@/lib/env";
import { hitRateLimit, type RateLimitResult } from "./rate-limit";

/** Where fixed-window counters live so that every server instance shares them. */
export interface RateLimitStore {
  hit(bucket: string, limit: number, windowSeconds: number, count: number): Promise<RateLimitResult>;
}

export function databaseStore(db: () => Executor): RateLimitStore {
  return { hit: (bucket, limit, windowSeconds, count) => hitRateLimit(db(), bucket, limit, windowSeconds, count) };
}

// INCRBY, then start the window's clock on its first hit; answers the count and the milliseconds left.
const HIT_SCRIPT = `
local hits = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {hits, ttl}`;

function newClient(url: string) {
  return createClient({ url, socket: { reconnectStrategy: (retries) => Math.min(retries * 100, 2_000) } });
}

type Client = ReturnType<typeof newClient>;

declare global {
  var __latchkeyRedis: Promise<Client> | undefined;
}

function redisClient(url: string): Promise<Client> {
  globalThis.__latchkeyRedis ??= (async () => {
    const client = newClient(url);
    client.on("error", () => {}); // reconnects by itself; a failed command surfaces where it is awaited
    await client.connect();
    return client;
  })();
  return globalThis.__latchkeyRedis;
}

export function redisStore(url: string): RateLimitStore {
  return {
    async hit(bucket, limit, windowSeconds, count) {
      const client = await redisClient(url);
      const [hits, ttl] = (await client.eval(HIT_SCRIPT, { keys: [`latchkey:rl:${bucket}`], arguments: [String(count), String(windowSeconds * 1000)] })) as [number, number];
      return { allowed: hits <= limit, hits, retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)) };
    },
  };
}

/** Redis when REDIS_URL is set, otherwise the database. */
export function sharedRateLimitStore(db: () => Executor): RateLimitStore {
  return env.REDIS_URL ? redisStore(env.REDIS_URL) : databaseStore(db);
}
