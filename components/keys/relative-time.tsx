import { formatDateTime, formatExpiry, formatRelative } from "@/lib/format";

/**
 * "3 hours ago", or for a key's expiry, days: "in 89 days", "today", "frozen 3 days ago" — with the
 * absolute date and time on hover and for screen readers.
 */
export function RelativeTime({ date, now, expiry = false }: { date: Date | null; now: Date; expiry?: boolean }) {
  if (!date) return <span className="text-zinc-500">Never</span>;
  const absolute = formatDateTime(date);
  const relative = expiry ? formatExpiry(date, now) : formatRelative(date, now);
  return (
    <>
      <time dateTime={date.toISOString()} title={absolute} className="tabular whitespace-nowrap">
        {relative}
      </time>
      <span className="sr-only">, {absolute}</span>
    </>
  );
}
