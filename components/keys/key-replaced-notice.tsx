import Link from "next/link";
import { formatDateTime, formatRelative } from "@/lib/format";
import type { KeyReplacement } from "@/lib/keys/describe-narrower-renewal";

/**
 * On the page of a key renewed as a narrower one, while its overlap runs: which key replaces it and
 * until when it keeps working (the page loads it: lib/keys/describe-narrower-renewal.ts).
 */
export function KeyReplacedNotice({ replacement, now }: { replacement: KeyReplacement; now: Date }) {
  return (
    <div role="status" className="rounded-lg border border-sky-200 bg-sky-50 px-4 py-3 text-sm text-sky-950" data-testid="key-replaced">
      Replaced by{" "}
      {replacement.successor ? (
        <Link href={`/keys/${replacement.successor.id}`} className="font-medium underline underline-offset-2">
          {replacement.successor.alias}
        </Link>
      ) : (
        "a narrower key"
      )}{" "}
      — keeps working until {formatDateTime(replacement.retiresAt)} ({formatRelative(replacement.retiresAt, now)}), then stops.
    </div>
  );
}
