import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchApi } from "@/lib/api/routes";
import { seedDemoData } from "@/lib/demo/seed";
import { env } from "@/lib/env";
import { CLIENT_ADDRESS_HEADER } from "@/lib/http/client-address";
import { db } from "@/lib/test/helpers";
import { makeKey } from "@/lib/test/keys";
import { freePort, redisHas, startRedis, stopRedis, until } from "@/lib/test/redis";
import { captureLog } from "@/lib/test/output";

beforeAll(async () => {
  await seedDemoData(db());
});

const running: ChildProcess[] = [];
afterAll(async () => {
  for (const child of running) await stopRedis(child);
});

interface Answer {
  phase: "up" | "down" | "back";
  status: number;
  ms: number;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
};

describe("the bank API while its Redis is stopped under load", () => {
  it("answers every call without a 5xx or a stall, says so once in the log, and counts in Redis again once it is back", async () => {
    // A private Redis, so stopping it disturbs nobody else; the API's limiter is built on first use.
    const port = await freePort();
    running.push(await startRedis(port));
    env.REDIS_URL = `redis://127.0.0.1:${port}`;
    // One key makes every call: its own per-minute limit is not what this test is about.
    env.LATCHKEY_API_RATE_LIMIT = 1_000_000;
    const { key } = await makeKey();

    // Every call comes from a new client address: its per-address bucket is a store round trip.
    let sequence = 0;
    const address = () => {
      sequence += 1;
      return `10.${(sequence >> 16) & 255}.${(sequence >> 8) & 255}.${sequence & 255}`;
    };
    const callApi = async (from: string) => {
      const started = performance.now();
      const response = await dispatchApi(new Request("http://bank.test/api/v1/accounts", { headers: { "x-api-key": key, [CLIENT_ADDRESS_HEADER]: from } }));
      await response.arrayBuffer();
      return { status: response.status, ms: performance.now() - started };
    };

    // Up: once connected, the limiter counts in Redis.
    await until(async () => {
      const from = address();
      await callApi(from);
      return redisHas(port, `latchkey:rl:api:ip:${from}`);
    });
    const log = captureLog();

    let phase: Answer["phase"] = "up";
    let stopped = false;
    const answers: Answer[] = [];
    const worker = async () => {
      while (!stopped) {
        const current = phase;
        const { status, ms } = await callApi(address());
        answers.push({ phase: current, status, ms });
        // Calls arrive as network events do: let timers run between them (in-process PGlite may answer in microtasks).
        await new Promise((r) => setImmediate(r));
      }
    };
    const workers = Array.from({ length: 8 }, worker);

    await new Promise((r) => setTimeout(r, 1_500));
    phase = "down";
    await stopRedis(running.pop()!);
    await new Promise((r) => setTimeout(r, 5_000));
    phase = "back";
    running.push(await startRedis(port));
    // Recovery needs no restart: a new address's hit lands in Redis again by itself.
    await until(async () => {
      const from = address();
      await callApi(from);
      return redisHas(port, `latchkey:rl:api:ip:${from}`);
    }, 15_000);
    stopped = true;
    await Promise.all(workers);
    log.restore();

    const down = answers.filter((a) => a.phase === "down");
    const statuses = [...new Set(answers.map((a) => a.status))];
    console.log(
      `Redis outage under load: ${answers.length} calls, ${down.length} while Redis was down; ` +
        `down p50 ${percentile(
          down.map((a) => a.ms),
          0.5,
        ).toFixed(1)} ms, p99 ${percentile(
          down.map((a) => a.ms),
          0.99,
        ).toFixed(1)} ms, ` +
        `max ${Math.max(...down.map((a) => a.ms)).toFixed(1)} ms; statuses ${statuses.join(", ")}`,
    );
    expect(down.length).toBeGreaterThan(50);
    expect(statuses).toEqual([200]);
    // Before the fix, a call waited 5 s for Redis; now none waits for it at all.
    expect(Math.max(...down.map((a) => a.ms))).toBeLessThan(1_000);
    const warnings = log.lines().filter((line) => line.level === "warn");
    expect(warnings.filter((line) => String(line.msg).includes("Redis is unavailable"))).toHaveLength(1);
    expect(warnings.filter((line) => String(line.msg).includes("Redis is back"))).toHaveLength(1);
  }, 60_000);
});
