"use client";

import { ArrowUpRight, Search, X } from "lucide-react";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { cn } from "@/lib/utils";

const selectClass =
  "h-9 rounded-md border border-zinc-300 bg-white px-2.5 text-sm text-zinc-800 shadow-sm focus-visible:outline-2 focus-visible:outline-accent-500";

/** Filters live in the URL, so a filtered list can be shared and survives a reload. */
export function KeysToolbar({ applications, products }: { applications: { id: string; name: string }[]; products: { id: string; name: string }[] }) {
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
    <div className={cn("space-y-3", pending && "opacity-70")}>
      {applications.length > 1 ? (
        <div className="flex flex-wrap items-center gap-3">
          <div role="group" aria-label="Application" className="inline-flex rounded-lg border border-zinc-200 bg-white p-0.5 shadow-xs">
            {[{ id: "", name: "All applications" }, ...applications].map((a) => (
              <button
                key={a.id || "all"}
                type="button"
                aria-pressed={app === a.id}
                onClick={() => update("app", a.id)}
                className={cn(
                  "rounded-md px-3 py-1.5 text-sm font-medium transition-colors",
                  app === a.id ? "bg-zinc-900 text-white" : "text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900",
                )}
              >
                {a.name}
              </button>
            ))}
          </div>
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
          <Search className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-zinc-400" aria-hidden />
          <label htmlFor="key-search" className="sr-only">
            Search by alias or prefix
          </label>
          <input
            id="key-search"
            type="search"
            placeholder="Search by alias or prefix"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            className="h-9 w-full rounded-md border border-zinc-300 bg-white pr-8 pl-8 text-sm shadow-sm placeholder:text-zinc-400 focus-visible:outline-2 focus-visible:outline-accent-500"
          />
          {q ? (
            <button
              type="button"
              onClick={() => setQ("")}
              className="absolute top-1/2 right-2 -translate-y-1/2 text-zinc-400 hover:text-zinc-700"
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
    </div>
  );
}
