import { HeaderSkeleton, LoadingPage, Skeleton } from "@/components/ui/skeleton";

/** The key wizard while it loads: its header, the stepper and the first step's fields. */
export default function Loading() {
  return (
    <LoadingPage label="Loading the key wizard…">
      <HeaderSkeleton action={false} />
      <div className="mx-auto max-w-[1200px] space-y-6 px-4 py-6 md:px-8">
        <Skeleton className="h-6 w-full max-w-xl" />
        <div className="max-w-2xl space-y-5 rounded-lg border border-zinc-200 bg-white p-6">
          <Skeleton className="h-5 w-40" />
          <Skeleton className="h-10 w-full" />
          <Skeleton className="h-10 w-full" />
          <Skeleton className="h-10 w-full" />
        </div>
      </div>
    </LoadingPage>
  );
}
