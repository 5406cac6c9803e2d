import { describe, expect, it } from "vitest";
import { daysLeft, keyStatus } from "@/lib/key-status";

const DAY = 86_400_000;

describe("key status from a controllable clock", () => {
  const created = new Date("2026-11-22T10:00:00.000Z");
  const expiresAt = new Date(created.getTime() + 90 * DAY);
  const at = (ms: number) => new Date(expiresAt.getTime() - ms);

  it("is active until 14 days are left", () => {
    expect(keyStatus({ expiresAt, revokedAt: null }, created)).toBe("active");
    expect(keyStatus({ expiresAt, revokedAt: null }, at(14 * DAY + 1000))).toBe("active");
  });

  it("is expiring from 14 days left until the last second", () => {
    expect(keyStatus({ expiresAt, revokedAt: null }, at(14 * DAY))).toBe("expiring");
    expect(keyStatus({ expiresAt, revokedAt: null }, at(1000))).toBe("expiring");
    expect(daysLeft(expiresAt, at(10 * DAY))).toBe(10);
  });

  it("is frozen the second it expires", () => {
    expect(keyStatus({ expiresAt, revokedAt: null }, at(0))).toBe("frozen");
    expect(keyStatus({ expiresAt, revokedAt: null }, at(-1))).toBe("frozen");
    expect(daysLeft(expiresAt, at(-5 * DAY))).toBe(0);
  });

  it("is active again after renewal: 90 days from the renewal", () => {
    const renewedAt = at(-3 * DAY);
    const renewed = new Date(renewedAt.getTime() + 90 * DAY);
    expect(keyStatus({ expiresAt: renewed, revokedAt: null }, renewedAt)).toBe("active");
    expect(daysLeft(renewed, renewedAt)).toBe(90);
  });

  it("is deleted once revoked, whatever the date", () => {
    expect(keyStatus({ expiresAt, revokedAt: created }, created)).toBe("revoked");
  });
});
