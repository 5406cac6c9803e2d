import { scaleBand, scaleLinear } from "d3-scale";
import { stack } from "d3-shape";
import { Activity, ChevronRight } from "lucide-react";
import { RelativeTime } from "@/components/keys/relative-time";
import { Card } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import type { UsageOutcome } from "@/lib/api/usage";
import { formatDate } from "@/lib/format";
import { KEY_PRODUCT_GROUPS } from "@/lib/key-permissions";
import type { KeyUsage as KeyUsageData, UsageDay } from "@/lib/keys/get-key-usage";

/**
 * A key's API use on its page: calls per UTC day over the last 30 days by outcome, as a stacked bar
 * chart drawn here on the server (d3-scale and d3-shape compute it; the browser gets plain SVG and
 * no chart code), the same numbers as a table behind a toggle, and when the key last used each of
 * its permissions. The page loads the numbers (lib/keys/get-key-usage.ts) and hands them in.
 */

const OUTCOMES: readonly UsageOutcome[] = ["2xx", "4xx", "5xx"];

/** Each outcome's words and colour: status colours (DESIGN.md), each ≥ 3:1 against white (WCAG 1.4.11). */
const OUTCOME_STYLE: Record<UsageOutcome, { heading: string; short: string; fill: string; swatch: string }> = {
  // emerald-600 3.8:1, amber-600 3.2:1, red-600 4.8:1.
  "2xx": { heading: "Successful", short: "successful", fill: "#059669", swatch: "bg-emerald-600" },
  "4xx": { heading: "Client errors", short: "client errors", fill: "#d97706", swatch: "bg-amber-600" },
  "5xx": { heading: "Server errors", short: "server errors", fill: "#dc2626", swatch: "bg-red-600" },
};

const NUMBER = new Intl.NumberFormat("en-GB");
const plural = (n: number, one: string, many: string) => `${NUMBER.format(n)} ${n === 1 ? one : many}`;
// The days are UTC days: shown as such, whatever the reader's zone.
const SHORT_DAY = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "short" });
const LONG_DAY = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "short", day: "numeric", month: "short" });
const asDate = (day: string) => new Date(`${day}T00:00:00Z`);

/** "View balances", "Edit card code": a permission in words, from the catalogue the wizard shows. */
function permissionLabel(permission: string): string {
  const [entity, access] = permission.split(":");
  const label = KEY_PRODUCT_GROUPS.flatMap((g) => g.entities).find((e) => e.entity === entity)?.label;
  if (!label || (access !== "view" && access !== "edit")) return permission;
  return `${access === "view" ? "View" : "Edit"} ${label.toLowerCase()}`;
}

/** "API calls over the last 30 days: 1,234 successful, 12 client errors, 0 server errors". */
export function usageSummary(totals: Record<UsageOutcome, number>): string {
  return `API calls over the last 30 days: ${OUTCOMES.map((o) => `${NUMBER.format(totals[o])} ${OUTCOME_STYLE[o].short}`).join(", ")}`;
}

export function KeyUsage({ usage, now }: { usage: KeyUsageData; now: Date }) {
  const total = OUTCOMES.reduce((sum, o) => sum + usage.totals[o], 0);
  // A key older than the record of its permissions' use: "never" only reaches back to when it began.
  const trackedLater = usage.usageTrackedSince.getTime() - usage.createdAt.getTime() > 60_000;
  return (
    <Card className="min-w-0 p-5" aria-labelledby="usage-heading">
      <h2 id="usage-heading" className="text-sm font-semibold text-zinc-900">
        Usage (last 30 days, UTC)
      </h2>
      <p className="mt-1 text-sm text-zinc-600">
        {total === 0 ? (
          "Calls made with this key, per day, by outcome."
        ) : (
          <>{plural(total, "call", "calls")} made with this key, per day, by outcome. The last minute&apos;s calls may not be counted yet.</>
        )}
      </p>
      {total === 0 ? (
        <div className="mt-4 flex items-center gap-3 rounded-md border border-dashed border-zinc-300 px-4 py-6 text-sm text-zinc-600">
          <Activity className="size-5 shrink-0 text-zinc-500" aria-hidden />
          <span>No API calls in the last 30 days.</span>
        </div>
      ) : (
        <>
          <UsageChart days={usage.days} totals={usage.totals} />
          <details className="group mt-4">
            <summary className="inline-flex cursor-pointer list-none items-center gap-1 rounded-sm text-sm font-medium text-accent-700 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600 [&::-webkit-details-marker]:hidden">
              <ChevronRight className="size-4 transition-transform group-open:rotate-90" aria-hidden />
              Show as a table
            </summary>
            <div className="mt-3">
              <UsageTable days={usage.days} />
            </div>
          </details>
        </>
      )}

      <h3 id="permission-use-heading" className="mt-6 text-sm font-semibold text-zinc-900">
        Permissions last used
      </h3>
      <p className="mt-1 text-sm text-zinc-600">
        When a call last got through with each of this key&apos;s permissions.
        {trackedLater ? ` Recorded since ${formatDate(usage.usageTrackedSince)}: “Never” means not since then.` : null}
      </p>
      <ul aria-labelledby="permission-use-heading" className="mt-3 divide-y divide-zinc-100 rounded-md border border-zinc-200 text-sm">
        {usage.permissions.map(({ permission, lastUsedAt }) => (
          <li key={permission} className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-0.5 px-3 py-2">
            <span className="min-w-0">
              {permissionLabel(permission)} <code className="ml-1 font-mono text-xs text-zinc-600">{permission}</code>
            </span>
            <span className="text-zinc-700">
              {lastUsedAt ? (
                <>
                  Last used <RelativeTime date={lastUsedAt} now={now} />
                </>
              ) : (
                <RelativeTime date={null} now={now} />
              )}
            </span>
          </li>
        ))}
      </ul>
    </Card>
  );
}

// The chart's own coordinates: the SVG stretches to its box (the bars only), the words around it are HTML.
const WIDTH = 600;
const HEIGHT = 160;

function UsageChart({ days, totals }: { days: readonly UsageDay[]; totals: Record<UsageOutcome, number> }) {
  const x = scaleBand<string>()
    .domain(days.map((d) => d.day))
    .range([0, WIDTH])
    .paddingInner(0.25)
    .paddingOuter(0.1);
  const highest = Math.max(1, ...days.map((d) => OUTCOMES.reduce((sum, o) => sum + d.calls[o], 0)));
  const y = scaleLinear().domain([0, highest]).nice(4).range([HEIGHT, 0]);
  const ticks = y.ticks(4).filter((t) => Number.isInteger(t));
  const top = y.domain()[1]!;
  const series = stack<UsageDay, UsageOutcome>()
    .keys(OUTCOMES)
    .value((d, key) => d.calls[key])(days as UsageDay[]);
  // A few dates under the bars: today and every seventh day before it.
  const labelled = days.filter((_, i) => (days.length - 1 - i) % 7 === 0);
  const labelOf = (day: string, i: number) => (i === days.length - 1 ? "Today" : SHORT_DAY.format(asDate(day)));

  return (
    <figure className="mt-4">
      <div role="img" aria-label={usageSummary(totals)} className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-2">
        <div className="relative h-40 w-10 text-right text-xs text-zinc-600 tabular" aria-hidden>
          {ticks.map((t) => (
            <span key={t} className="absolute right-0 -translate-y-1/2 leading-none" style={{ top: `${(1 - t / top) * 100}%` }}>
              {NUMBER.format(t)}
            </span>
          ))}
        </div>
        <div className="relative h-40 border-b border-zinc-400">
          <svg
            viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
            preserveAspectRatio="none"
            className="absolute inset-0 size-full overflow-visible"
            aria-hidden
            focusable="false"
            data-testid="usage-chart"
          >
            {ticks
              .filter((t) => t > 0)
              .map((t) => (
                <line key={t} x1={0} x2={WIDTH} y1={y(t)} y2={y(t)} stroke="#e4e4e7" strokeWidth={1} vectorEffect="non-scaling-stroke" />
              ))}
            {series.map((layer) => (
              <g key={layer.key} fill={OUTCOME_STYLE[layer.key].fill}>
                {layer.map((point) => {
                  const height = y(point[0]) - y(point[1]);
                  if (height <= 0) return null;
                  const day = point.data.day;
                  return (
                    <rect key={day} x={x(day)} width={x.bandwidth()} y={y(point[1])} height={height}>
                      <title>{`${LONG_DAY.format(asDate(day))}: ${NUMBER.format(point.data.calls[layer.key])} ${OUTCOME_STYLE[layer.key].short}`}</title>
                    </rect>
                  );
                })}
              </g>
            ))}
          </svg>
        </div>
        <div />
        <div className="relative h-5 text-xs text-zinc-600 tabular" aria-hidden>
          {labelled.map((d) => {
            const i = days.indexOf(d);
            const start = (x(d.day)! / WIDTH) * 100;
            const width = (x.bandwidth() / WIDTH) * 100;
            // The first label starts at its bar, the last ends at its bar, the others are centred under theirs.
            const [left, shift] =
              i === 0 ? [start, ""] : i === days.length - 1 ? [start + width, "-translate-x-full"] : [start + width / 2, "-translate-x-1/2"];
            return (
              <span key={d.day} className={`absolute top-1 whitespace-nowrap ${shift}`} style={{ left: `${left}%` }}>
                {labelOf(d.day, i)}
              </span>
            );
          })}
        </div>
      </div>
      <figcaption className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-xs text-zinc-700">
        {OUTCOMES.map((o) => (
          <span key={o} className="inline-flex items-center gap-1.5">
            <span className={`size-2.5 rounded-xs ${OUTCOME_STYLE[o].swatch}`} aria-hidden />
            {OUTCOME_STYLE[o].heading} ({o}): <span className="tabular">{NUMBER.format(totals[o])}</span>
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

function UsageTable({ days }: { days: readonly UsageDay[] }) {
  const newestFirst = [...days].reverse();
  return (
    <Table label="API calls per UTC day, last 30 days">
      <caption className="sr-only">API calls per UTC day over the last 30 days, newest first, by outcome</caption>
      <thead>
        <tr>
          <Th className="px-3 sm:px-4">Day (UTC)</Th>
          {OUTCOMES.map((o) => (
            <Th key={o} className="px-3 text-right sm:px-4">
              {OUTCOME_STYLE[o].heading} <span className="block font-normal sm:inline">({o})</span>
            </Th>
          ))}
          <Th className="px-3 text-right sm:px-4">Total</Th>
        </tr>
      </thead>
      <tbody>
        {newestFirst.map((d, i) => (
          <tr key={d.day}>
            <th scope="row" className="border-b border-zinc-100 px-3 py-2 text-left font-normal whitespace-nowrap text-zinc-800 sm:px-4">
              {LONG_DAY.format(asDate(d.day))}
              {i === 0 ? <span className="text-zinc-500"> (today)</span> : null}
            </th>
            {OUTCOMES.map((o) => (
              <Td key={o} className="px-3 py-2 text-right tabular sm:px-4">
                {NUMBER.format(d.calls[o])}
              </Td>
            ))}
            <Td className="px-3 py-2 text-right font-medium tabular sm:px-4">{NUMBER.format(OUTCOMES.reduce((sum, o) => sum + d.calls[o], 0))}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
