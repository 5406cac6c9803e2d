"use client";

import { ArrowUpRight, Loader2, Search, X } from "lucide-react";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { SegmentedControl } from "@/components/ui/segmented-control";

const selectClass =
  "h-9 rounded-md border border-zinc-300 bg-white px-2.5 text-sm text-zinc-800 shadow-sm focus-visible:outline-2 focus-visible:outline-accent-500";

/** The application filter's value for "All applications" (an application id is a UUID). */
const ALL = "all";

/**
 * Filters live in the URL, so a filtered list can be shared and survives a reload. `resultAnnouncement`,
 * how many keys the list shows for these filters (lib/keys/list-keys.ts, keyCountAnnouncement), is
 * announced politely as it changes.
 */
export function KeysToolbar({
  applications,
  products,
  resultAnnouncement,
}: {
  applications: { id: string; name: string }[];
  products: { id: string; name: string }[];
  resultAnnouncement: string;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [pending, startTransition] = useTransition();
  const [q, setQ] = useState(params.get("q") ?? "");

  function update(name: string, value: string) {
    const next = new URLSearchParams(params.toString());
    if (value) next.set(name, value);
    else next.delete(name);
    next.delete("page");
    startTransition(() => router.replace(`${pathname}?${next.toString()}`, { scroll: false }));
  }

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs only when the typed query changes; the URL it reads is the one it writes
  useEffect(() => {
    const current = params.get("q") ?? "";
    if (q === current) return;
    const timer = setTimeout(() => update("q", q.trim()), 250);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q]);

  const app = params.get("app") ?? "";
  const selectedApp = applications.find((a) => a.id === app);
  return (
    // While the list reloads the search field shows a spinner; the controls keep their full contrast.
    <div className="space-y-3">
      {applications.length > 1 ? (
        <div className="flex flex-wrap items-center gap-3">
          <SegmentedControl
            label="Application"
            value={app || ALL}
            onValueChange={(id) => update("app", id === ALL ? "" : id)}
            options={[{ value: ALL, label: "All applications" }, ...applications.map((a) => ({ value: a.id, label: a.name }))]}
            className="bg-white"
          />
          {selectedApp ? (
            <Link href={`/credentials/${selectedApp.id}`} className="inline-flex items-center gap-1 text-sm font-medium text-accent-700 hover:underline">
              Open {selectedApp.name}
              <ArrowUpRight className="size-4" aria-hidden />
            </Link>
          ) : null}
        </div>
      ) : null}
      <div className="flex flex-wrap items-center gap-2">
        <div className="relative min-w-64 flex-1">
          {pending ? (
            <Loader2 className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 animate-spin text-zinc-500" aria-hidden />
          ) : (
            <Search className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-zinc-500" aria-hidden />
          )}
          <label htmlFor="key-search" className="sr-only">
            Search by alias or prefix
          </label>
          <input
            id="key-search"
            type="search"
            placeholder="Search by alias or prefix"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            className="h-9 w-full rounded-md border border-zinc-300 bg-white pr-9 pl-8 text-sm shadow-sm placeholder:text-zinc-500 focus-visible:outline-2 focus-visible:outline-accent-500 [&::-webkit-search-cancel-button]:appearance-none"
          />
          {q ? (
            <button
              type="button"
              onClick={() => setQ("")}
              className="absolute top-1/2 right-1.5 grid size-6 -translate-y-1/2 place-items-center rounded text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-offset-0 focus-visible:outline-accent-500"
              aria-label="Clear search"
            >
              <X className="size-4" aria-hidden />
            </button>
          ) : null}
        </div>
        <label className="sr-only" htmlFor="key-status">
          Status
        </label>
        <select id="key-status" className={selectClass} value={params.get("status") ?? ""} onChange={(e) => update("status", e.target.value)}>
          <option value="">All statuses</option>
          <option value="active">Active</option>
          <option value="expiring">Expiring</option>
          <option value="frozen">Frozen</option>
          <option value="leaked">Leaked</option>
        </select>
        {products.length > 1 ? (
          <>
            <label className="sr-only" htmlFor="key-product">
              Product
            </label>
            <select id="key-product" className={selectClass} value={params.get("product") ?? ""} onChange={(e) => update("product", e.target.value)}>
              <option value="">All products</option>
              {products.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </>
        ) : null}
        <label className="sr-only" htmlFor="key-mode">
          Mode
        </label>
        <select id="key-mode" className={selectClass} value={params.get("mode") ?? ""} onChange={(e) => update("mode", e.target.value)}>
          <option value="">Live and test</option>
          <option value="live">Live</option>
          <option value="test">Test</option>
        </select>
      </div>
      <p role="status" className="sr-only">
        {resultAnnouncement}
      </p>
    </div>
  );
}
