import { Fragment, type ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import type { EndpointDoc } from "@/lib/api/openapi";
import { curlSample, responseSample, type SampleValues } from "@/lib/api/samples";
import { cn } from "@/lib/utils";

const METHOD_TONE = { GET: "accent", POST: "success", PUT: "warning" } as const;

/**
 * A sample in its own scroller: a long line scrolls sideways inside it, never the page. The scroller
 * takes focus and is a named region, so the arrow keys scroll it and a screen reader says what it is.
 */
function CodeBlock({ label, className, children, testId }: { label: string; className: string; children: ReactNode; testId?: string }) {
  return (
    <section
      aria-label={label}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scroller must take focus to be scrolled by keyboard (WCAG 2.1.1)
      tabIndex={0}
      data-scroll-region
      className={cn("relative overflow-x-auto rounded-md focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600", className)}
    >
      <pre data-testid={testId} className="w-max min-w-full p-3 font-mono text-xs leading-relaxed">
        {children}
      </pre>
    </section>
  );
}

/** A path that may wrap before each of its slashes on a narrow screen, never in the middle of a word. */
function PathWithBreaks({ path }: { path: string }) {
  // Each segment keyed by where it starts in the path.
  const segments = path.split(/(?=\/)/).map((text, i, all) => ({ text, start: all.slice(0, i).join("").length }));
  return segments.map(({ text, start }) => (
    <Fragment key={start}>
      {start > 0 ? <wbr /> : null}
      {text}
    </Fragment>
  ));
}

/**
 * One endpoint: what it does, the permission it needs, a request to copy and the answer to expect.
 * Its name is a heading (`level` follows the page's outline), so a screen reader can jump from one
 * endpoint to the next.
 */
export function EndpointSample({ endpoint, values, level = 3 }: { endpoint: EndpointDoc; values: SampleValues; level?: 2 | 3 }) {
  const id = `${endpoint.method.toLowerCase()}-${endpoint.path}`.replace(/[^a-z0-9]+/gi, "-");
  const Heading = level === 2 ? "h2" : "h3";
  const name = `${endpoint.method} ${endpoint.path}`;
  return (
    <details className="group min-w-0 rounded-lg border border-zinc-200 bg-white shadow-xs open:shadow-sm">
      <summary className="flex cursor-pointer list-none items-start gap-3 rounded-lg px-4 py-3 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600 [&::-webkit-details-marker]:hidden">
        <Heading className="flex min-w-0 flex-1 flex-wrap items-center gap-x-3 gap-y-1 text-sm font-normal">
          <Badge tone={METHOD_TONE[endpoint.method]} className="w-12 justify-center font-mono uppercase">
            {endpoint.method}
          </Badge>
          <code className="min-w-0 font-mono text-sm break-words text-zinc-900">
            <PathWithBreaks path={endpoint.path} />
          </code>
          <span className="min-w-0 basis-full text-zinc-600 md:basis-auto">{endpoint.summary}</span>
        </Heading>
        <span className="mt-0.5 shrink-0 font-mono text-xs text-zinc-600">{endpoint.permission}</span>
      </summary>
      <div className="grid grid-cols-1 gap-3 border-t border-zinc-100 p-4">
        <figure className="min-w-0">
          <figcaption className="mb-1.5 text-xs font-medium text-zinc-600">Request</figcaption>
          <CodeBlock label={`Request sample: ${name}`} testId={`sample-${id}`} className="bg-zinc-950 text-zinc-100">
            {curlSample(endpoint, values)}
          </CodeBlock>
        </figure>
        <figure className="min-w-0">
          <figcaption className="mb-1.5 text-xs font-medium text-zinc-600">Response</figcaption>
          <CodeBlock label={`Response sample: ${name}`} className="bg-zinc-50 text-zinc-800 ring-1 ring-zinc-200 ring-inset">
            {responseSample(endpoint)}
          </CodeBlock>
        </figure>
      </div>
    </details>
  );
}
