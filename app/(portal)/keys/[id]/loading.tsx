import { Card } from "@/components/ui/card";
import { HeaderSkeleton, LoadingPage, Skeleton, TableSkeleton } from "@/components/ui/skeleton";

const FIELDS = ["status", "key", "mode", "application", "expires", "last-used", "created"];

/** One key while it loads: its header and actions, the key's facts, its accounts, permissions and trail. */
export default function Loading() {
  return (
    <LoadingPage label="Loading the API key…">
      <HeaderSkeleton />
      <div className="mx-auto max-w-[1200px] space-y-6 px-4 py-6 md:px-8">
        <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_340px]">
          <Card className="space-y-4 p-5">
            <Skeleton className="h-4 w-16" />
            {FIELDS.map((field) => (
              <div key={field} className="flex gap-6">
                <Skeleton className="h-4 w-24 shrink-0" />
                <Skeleton className="h-4 flex-1" />
              </div>
            ))}
          </Card>
          <Card className="space-y-3 p-5">
            <Skeleton className="h-4 w-40" />
            <Skeleton className="h-12 w-full" />
            <Skeleton className="h-12 w-full" />
          </Card>
        </div>
        <Card className="space-y-3 p-5">
          <Skeleton className="h-4 w-28" />
          <Skeleton className="h-4 w-full max-w-lg" />
          <Skeleton className="h-40 w-full" />
        </Card>
        <TableSkeleton rows={3} columns={5} />
      </div>
    </LoadingPage>
  );
}
