/** Dates as people in the bank's market read them: "22 Feb 2027, 14:03 SAST". */
const DATE_TIME = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Africa/Johannesburg",
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
const DATE = new Intl.DateTimeFormat("en-GB", { timeZone: "Africa/Johannesburg", day: "numeric", month: "short", year: "numeric" });

export function formatDateTime(date: Date): string {
  return `${DATE_TIME.format(date)} SAST`;
}

export function formatDate(date: Date): string {
  return DATE.format(date);
}

const RELATIVE = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400],
  ["month", 30 * 86_400],
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
];

/**
 * "in 10 days", "3 hours ago", "just now". Days ahead are counted up, as a key's days left are
 * (lib/key-status.ts): 9 days and 20 hours before freezing, a key "freezes in 10 days" everywhere.
 */
export function formatRelative(date: Date, now: Date = new Date()): string {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return RELATIVE.format(seconds > 0 && unit === "day" ? Math.ceil(seconds / size) : Math.trunc(seconds / size), unit);
  }
  return "just now";
}

const DAY_MS = 86_400_000;
const SAST_DAY = new Intl.DateTimeFormat("en-CA", { timeZone: "Africa/Johannesburg", year: "numeric", month: "2-digit", day: "2-digit" });

/**
 * A key's expiry counted in days, never months: "in 89 days", "in 1 day", "today" (it freezes later
 * on this calendar day, SAST), "frozen today", "frozen 3 days ago". Days ahead are counted up, as a
 * key's days left are (lib/key-status.ts), so the list, the key page and the reminders agree.
 */
export function formatExpiry(expiresAt: Date, now: Date = new Date()): string {
  const left = expiresAt.getTime() - now.getTime();
  if (left > 0) {
    if (SAST_DAY.format(expiresAt) === SAST_DAY.format(now)) return "today";
    const days = Math.ceil(left / DAY_MS);
    return `in ${days} ${days === 1 ? "day" : "days"}`;
  }
  const ago = Math.floor(-left / DAY_MS);
  if (ago === 0) return "frozen today";
  return `frozen ${ago} ${ago === 1 ? "day" : "days"} ago`;
}

/** An account number as lists show it: "••1234". */
export function maskedNumber(number: string): string {
  return `••${number.slice(-4)}`;
}

/** Money from integer minor units: "R 18 750,00", "$12,000.00" — in the currency's own style. */
export function formatMoney(minor: bigint | number, currency: string): string {
  const locale = currency === "ZAR" ? "en-ZA" : currency === "EUR" ? "en-IE" : "en-US";
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(Number(minor) / 100);
}
