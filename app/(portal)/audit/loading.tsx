import { HeaderSkeleton, LoadingPage, Skeleton, TableSkeleton } from "@/components/ui/skeleton";

/** The audit log while it loads: its header, the chain's status, the filters and a table of entries. */
export default function Loading() {
  return (
    <LoadingPage label="Loading the audit log…">
      <HeaderSkeleton />
      <div className="mx-auto max-w-[1200px] space-y-6 px-4 py-6 md:px-8">
        <Skeleton className="h-5 w-56" />
        <div className="grid grid-cols-1 gap-3 rounded-lg border border-zinc-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-6">
          {["who", "action", "target", "from", "to"].map((field) => (
            <div key={field} className="space-y-2">
              <Skeleton className="h-3.5 w-16" />
              <Skeleton className="h-9 w-full" />
            </div>
          ))}
          <Skeleton className="h-9 w-20 self-end" />
        </div>
        <TableSkeleton rows={10} columns={6} />
      </div>
    </LoadingPage>
  );
}
