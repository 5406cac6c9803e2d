import { formatMoney } from "@/lib/format";

/**
 * A key's payment limits as people type and read them, without the schemas (lib/schemas/key-limits.ts),
 * so a page can show them without loading zod.
 */
export const MAX_LIMIT_MINOR = 1_000_000_000_000_00; // one trillion in major units

/** Minor units from what a person typed, null for an empty field, or why it is not an amount. */
export function parseMajorUnits(text: string): number | null | { error: string } {
  const cleaned = text.trim().replace(/[\s\u00a0,]/g, "");
  if (cleaned === "") return null;
  const match = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match) return { error: "Enter an amount such as 5000 or 5000.00" };
  const minor = Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
  if (minor <= 0) return { error: "Enter an amount above zero, or leave it empty for no limit" };
  if (minor > MAX_LIMIT_MINOR) return { error: "Enter a smaller amount" };
  return minor;
}

/** An amount of a limit in words: in the currency when the key's accounts share one. */
function amountOf(minor: number | bigint, currency: string | null): string {
  if (currency) return formatMoney(minor, currency);
  return `${(Number(minor) / 100).toFixed(2)} of the account's currency`;
}

/** "At most R 5 000,00 a payment and R 20 000,00 a day", or "No payment limits". */
export function describeLimits(limits: { maxPerPayment: number | bigint | null; maxPerDay: number | bigint | null }, currency: string | null): string {
  const parts = [
    limits.maxPerPayment !== null ? `${amountOf(limits.maxPerPayment, currency)} a payment` : null,
    limits.maxPerDay !== null ? `${amountOf(limits.maxPerDay, currency)} a day` : null,
  ].filter((p): p is string => p !== null);
  return parts.length ? `At most ${parts.join(" and ")}` : "No payment limits";
}
