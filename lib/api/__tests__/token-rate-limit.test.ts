import { describe, expect, it } from "vitest";
import { issueToken } from "@/lib/api/oauth";
import { env } from "@/lib/env";
import { CLIENT_ADDRESS_HEADER } from "@/lib/http/client-address";

function guess(clientId: string, address: string) {
  return issueToken(
    new Request("http://bank.test/api/oauth2/token", {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:lkcs_wrong-${Math.random()}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
        [CLIENT_ADDRESS_HEADER]: address,
      },
      body: "grant_type=client_credentials",
    }),
  );
}

describe("the token endpoint", () => {
  it("answers 429 with Retry-After to a client ID guessed too often, and only to it", async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= env.LATCHKEY_TOKEN_RATE_LIMIT; i++) statuses.push((await guess("lkci_target", `198.51.100.${i % 50}`)).status);
    expect(statuses.slice(0, env.LATCHKEY_TOKEN_RATE_LIMIT).every((s) => s === 401)).toBe(true);
    const limited = await guess("lkci_target", "198.51.100.200");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await limited.json()).error.code).toBe("rate_limited");
    expect((await guess("lkci_other", "198.51.100.201")).status).toBe(401);
  });

  it("answers 429 to an address guessing across client IDs", async () => {
    let last = 0;
    for (let i = 0; i <= env.LATCHKEY_TOKEN_RATE_LIMIT * 2; i++) last = (await guess(`lkci_spray_${i}`, "203.0.113.50")).status;
    expect(last).toBe(429);
    expect((await guess("lkci_spray_fresh", "203.0.113.51")).status).toBe(401);
  });
});
