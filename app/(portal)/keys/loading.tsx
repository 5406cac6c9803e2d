import { HeaderSkeleton, LoadingPage, Skeleton, TableSkeleton } from "@/components/ui/skeleton";

/** The key list while it loads: its header, the filter toolbar and a table of keys. */
export default function Loading() {
  return (
    <LoadingPage label="Loading API keys…">
      <HeaderSkeleton />
      <div className="mx-auto max-w-[1200px] space-y-6 px-4 py-6 md:px-8">
        <div className="flex flex-wrap gap-3">
          <Skeleton className="h-9 w-full sm:w-64" />
          <Skeleton className="h-9 w-28" />
          <Skeleton className="h-9 w-28" />
          <Skeleton className="h-9 w-28" />
        </div>
        <TableSkeleton rows={8} columns={6} />
      </div>
    </LoadingPage>
  );
}
