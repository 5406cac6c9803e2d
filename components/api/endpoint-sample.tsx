import { Badge } from "@/components/ui/badge";
import type { EndpointDoc } from "@/lib/api/openapi";
import { curlSample, responseSample, type SampleValues } from "@/lib/api/samples";

const METHOD_TONE = { GET: "accent", POST: "success", PUT: "warning" } as const;

/** One endpoint: what it does, the permission it needs, a request to copy and the answer to expect. */
export function EndpointSample({ endpoint, values }: { endpoint: EndpointDoc; values: SampleValues }) {
  const id = `${endpoint.method.toLowerCase()}-${endpoint.path}`.replace(/[^a-z0-9]+/gi, "-");
  return (
    <details className="group rounded-lg border border-zinc-200 bg-white shadow-xs open:shadow-sm">
      <summary className="flex cursor-pointer list-none flex-wrap items-center gap-x-3 gap-y-1 px-4 py-3 md:flex-nowrap [&::-webkit-details-marker]:hidden">
        <Badge tone={METHOD_TONE[endpoint.method]} className="w-12 justify-center font-mono uppercase">
          {endpoint.method}
        </Badge>
        <code className="min-w-0 font-mono text-sm break-all text-zinc-900 md:shrink-0 md:break-normal">{endpoint.path}</code>
        <span className="hidden min-w-0 truncate text-sm text-zinc-500 md:inline" title={endpoint.summary}>
          {endpoint.summary}
        </span>
        <span className="ml-auto shrink-0 font-mono text-xs text-zinc-500">{endpoint.permission}</span>
      </summary>
      <div className="grid gap-3 border-t border-zinc-100 p-4">
        <figure>
          <figcaption className="mb-1.5 text-xs font-medium text-zinc-500">Request</figcaption>
          <pre data-testid={`sample-${id}`} className="overflow-x-auto rounded-md bg-zinc-950 p-3 font-mono text-xs leading-relaxed text-zinc-100">
            {curlSample(endpoint, values)}
          </pre>
        </figure>
        <figure>
          <figcaption className="mb-1.5 text-xs font-medium text-zinc-500">Response</figcaption>
          <pre className="overflow-x-auto rounded-md bg-zinc-50 p-3 font-mono text-xs leading-relaxed text-zinc-800 ring-1 ring-zinc-200">
            {responseSample(endpoint)}
          </pre>
        </figure>
      </div>
    </details>
  );
}
