import "server-only";
import { createClient } from "redis";
import type { Executor } from "@/lib/db";
import { env } from "@/lib/env";
import { hitRateLimit, type RateLimitResult } from "./rate-limit";
import { log } from "@/lib/observability/log";

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

/**
 * How long a Redis command may take before the database answers instead. Generous, because a late
 * answer is counted in Redis all the same: falling back too eagerly (a pause of the event loop, a busy
 * moment) would count the same hits in two places, and instances counting apart admit more than the
 * limit between them. A Redis that is down is passed over at once, as its connection is gone.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 1_000;
/** How long the first hits wait for the first connection, rather than count apart in the database. */
const FIRST_CONNECTION_MS = 1_000;
/** After Redis fails, how long the database counts alone before Redis is tried again. */
const REDIS_RETRY_AFTER_MS = 2_000;

function newClient(url: string) {
  return createClient({
    url,
    // Commands fail at once while disconnected instead of queueing behind a reconnect.
    disableOfflineQueue: true,
    socket: { connectTimeout: 500, reconnectStrategy: (retries) => Math.min(100 + retries * 100, 2_000) },
  });
}

type Client = ReturnType<typeof newClient>;

interface Connection {
  client: Client;
  /** Settles once the first connection is made. */
  connected: Promise<unknown>;
}

declare global {
  var __latchkeyRedisClients: Map<string, Connection> | undefined;
}

/** One client per address and process; it connects (and reconnects) in the background. */
function redisConnection(url: string): Connection {
  globalThis.__latchkeyRedisClients ??= new Map();
  let connection = globalThis.__latchkeyRedisClients.get(url);
  if (!connection) {
    const client = newClient(url);
    client.on("error", () => {}); // reconnects by itself; a failed command falls back where it is sent
    const connected = client.connect();
    connected.catch(() => {});
    connection = { client, connected };
    globalThis.__latchkeyRedisClients.set(url, connection);
  }
  return connection;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
    }),
  ]);
}

/**
 * Counters in Redis. Redis is an optimisation, never a dependency: with a fallback, a Redis that
 * is not connected, fails or takes longer than REDIS_COMMAND_TIMEOUT_MS hands the hit to the
 * fallback (the database) at once, and Redis is tried again REDIS_RETRY_AFTER_MS later. The
 * outage and the recovery are logged once each. Without a fallback, Redis errors propagate.
 */
export function redisStore(url: string, fallback?: RateLimitStore): RateLimitStore {
  let downUntil = 0;
  let down = false;
  const { client, connected } = redisConnection(url);
  // Settles when the first connection is made, fails (a refused connection: Redis is down) or takes too long.
  const refused = new Promise((resolve) => client.once("error", resolve));
  let firstConnection: Promise<unknown> | null = client.isReady ? null : withTimeout(Promise.race([connected, refused]), FIRST_CONNECTION_MS).catch(() => {});
  void firstConnection?.finally(() => {
    firstConnection = null;
  });
  const countInFallback = (error: unknown, bucket: string, limit: number, windowSeconds: number, count: number, failed = true) => {
    if (!fallback) throw error;
    // A failed command rests Redis a while; a client still (re)connecting is simply passed over.
    if (failed) downUntil = Date.now() + REDIS_RETRY_AFTER_MS;
    if (!down) {
      down = true;
      log().warn(
        { error: error instanceof Error ? error.message : "unknown error" },
        "rate limits: Redis is unavailable; counting in the database until it is back",
      );
    }
    return fallback.hit(bucket, limit, windowSeconds, count);
  };
  return {
    async hit(bucket, limit, windowSeconds, count) {
      // A new instance's first hits wait (briefly) for Redis rather than start a count of their own.
      if (firstConnection && !client.isReady) await firstConnection;
      if (fallback && (!client.isReady || Date.now() < downUntil))
        return countInFallback(new Error("not connected"), bucket, limit, windowSeconds, count, false);
      if (!fallback && !client.isReady) await connected;
      try {
        const [hits, ttl] = (await withTimeout(
          client.eval(HIT_SCRIPT, { keys: [`latchkey:rl:${bucket}`], arguments: [String(count), String(windowSeconds * 1000)] }),
          REDIS_COMMAND_TIMEOUT_MS,
        )) as [number, number];
        if (down) {
          down = false;
          log().warn("rate limits: Redis is back; counting there again");
        }
        return { allowed: hits <= limit, hits, retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)) };
      } catch (error) {
        return countInFallback(error, bucket, limit, windowSeconds, count);
      }
    },
  };
}

/** Redis when REDIS_URL is set, otherwise the database. */
export function sharedRateLimitStore(db: () => Executor): RateLimitStore {
  return env.REDIS_URL ? redisStore(env.REDIS_URL, databaseStore(db)) : databaseStore(db);
}
