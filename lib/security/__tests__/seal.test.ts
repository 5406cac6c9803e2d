import { describe, expect, it } from "vitest";
import { SealError, sealingKey, sealWith, unsealWith } from "@/lib/security/seal";

const SECRET = "a-test-auth-secret-of-at-least-32-characters";
const key = sealingKey(SECRET, "email_outbox.sealed_link");
const LINK = "https://portal.test/invite/lkinv_0123456789abcdefghijABCDEFGHIJ0123456789abc";
const CONTEXT = '["email_outbox","invitation:1","naledi@acme.example"]';

const refuses = (sealed: unknown, k = key, context = CONTEXT) => {
  try {
    unsealWith(k, sealed, context);
    return false;
  } catch (error) {
    return error instanceof SealError;
  }
};

describe("sealing a value with AES-256-GCM under a key derived from AUTH_SECRET", () => {
  it("opens what it sealed, and the sealed text holds nothing of the plaintext", () => {
    const sealed = sealWith(key, LINK, CONTEXT);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain("lkinv_");
    expect(sealed).not.toContain("invite");
    expect(unsealWith(key, sealed, CONTEXT)).toBe(LINK);
    // A fresh IV each time: the same link never seals to the same text.
    expect(sealWith(key, LINK, CONTEXT)).not.toBe(sealed);
    expect(unsealWith(key, sealWith(key, "", CONTEXT), CONTEXT)).toBe("");
  });

  it("refuses a value altered in any byte, truncated or extended", () => {
    const sealed = sealWith(key, LINK, CONTEXT);
    const bytes = Buffer.from(sealed.slice(3), "base64url");
    for (let i = 0; i < bytes.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const altered = Buffer.from(bytes);
        altered[i]! ^= bit;
        expect(refuses(`v1.${altered.toString("base64url")}`), `byte ${i} ^ ${bit}`).toBe(true);
      }
    }
    expect(refuses(`v1.${bytes.subarray(0, bytes.length - 1).toString("base64url")}`)).toBe(true);
    expect(refuses(`v1.${Buffer.concat([bytes, Buffer.from([0])]).toString("base64url")}`)).toBe(true);
    expect(refuses(`v1.${bytes.subarray(1).toString("base64url")}`)).toBe(true);
  });

  it("refuses under another key: another AUTH_SECRET, or another purpose", () => {
    const sealed = sealWith(key, LINK, CONTEXT);
    expect(refuses(sealed, sealingKey(`${SECRET}!`, "email_outbox.sealed_link"))).toBe(true);
    expect(refuses(sealed, sealingKey(SECRET, "another purpose"))).toBe(true);
  });

  it("refuses in another context: a sealed link moved to another message does not open", () => {
    const sealed = sealWith(key, LINK, CONTEXT);
    expect(refuses(sealed, key, '["email_outbox","invitation:1","mallory@evil.example"]')).toBe(true);
    expect(refuses(sealed, key, '["email_outbox","invitation:2","naledi@acme.example"]')).toBe(true);
  });

  it("refuses malformed values of any shape without throwing anything else", () => {
    const sealed = sealWith(key, LINK, CONTEXT);
    const malformed: unknown[] = [
      undefined,
      null,
      42,
      {},
      [sealed],
      Buffer.from(sealed),
      "",
      "v1.",
      "v1",
      sealed.slice(3),
      `v2.${sealed.slice(3)}`,
      `V1.${sealed.slice(3)}`,
      `${sealed}=`,
      `${sealed}\u0000`,
      `\u0000${sealed}`,
      `${sealed.slice(0, 20)}\n${sealed.slice(20)}`,
      `${sealed.slice(0, 20)}+/${sealed.slice(22)}`,
      `v1.${"A".repeat(60)}`,
      `v1.${"A".repeat(100_000)}`,
      `v1.${"é".repeat(60)}`,
      "v1.😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀",
      LINK,
    ];
    for (const value of malformed) expect(refuses(value), JSON.stringify(value)?.slice(0, 40)).toBe(true);
  });

  it("derives keys that depend on the secret and the purpose, and wants a secret of 32+ characters", () => {
    expect(sealingKey(SECRET, "a")).toHaveLength(32);
    expect(sealingKey(SECRET, "a").equals(sealingKey(SECRET, "a"))).toBe(true);
    expect(sealingKey(SECRET, "a").equals(sealingKey(SECRET, "b"))).toBe(false);
    expect(sealingKey(SECRET, "a").equals(sealingKey(`${SECRET}x`, "a"))).toBe(false);
    expect(() => sealingKey("short", "a")).toThrow(/32 characters/);
  });
});
