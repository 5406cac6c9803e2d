import { describe, expect, it } from "vitest";
import { formatRelative } from "@/lib/format";
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

describe("days left, as the key list, the key page and the reminders say them", () => {
  const expiresAt = new Date("2027-02-20T10:00:00.000Z");
  it("agree for every hour of the last 29 days", () => {
    for (let hours = 25; hours < 29 * 24; hours++) {
      const now = new Date(expiresAt.getTime() - hours * 3_600_000 - 60_000);
      const left = daysLeft(expiresAt, now);
      expect(formatRelative(expiresAt, now)).toBe(`in ${left} days`);
    }
  });

  it("count the past down, not up", () => {
    expect(formatRelative(new Date(expiresAt.getTime() - 3 * DAY - 5 * 3_600_000), expiresAt)).toBe("3 days ago");
    expect(formatRelative(new Date(expiresAt.getTime() + 5 * 3_600_000), expiresAt)).toBe("in 5 hours");
  });
});
