import { formatDateTime, formatRelative } from "@/lib/format";

/** "in 9 days", with the absolute date and time on hover and for screen readers. */
export function RelativeTime({ date, now }: { date: Date | null; now: Date }) {
  if (!date) return <span className="text-zinc-400">Never</span>;
  const absolute = formatDateTime(date);
  return (
    <time dateTime={date.toISOString()} title={absolute} aria-label={`${formatRelative(date, now)}, ${absolute}`} className="tabular whitespace-nowrap">
      {formatRelative(date, now)}
    </time>
  );
}
