"use server";

import { action } from "@/lib/auth/action";
import { describeNarrowerRenewalCommand } from "@/lib/keys/describe-narrower-renewal";

/** What the renew dialog shows of a narrower renewal: the permissions used and unused, and whether it can be done; changes nothing. */
export const describeNarrowerRenewalAction = action(describeNarrowerRenewalCommand, {
  result: (d) => ({
    honestWindowText: d.honestWindowText,
    windowStart: d.windowStart.toISOString(),
    trackedSince: d.trackedSince.toISOString(),
    used: d.used.map((u) => ({ permission: u.permission, lastUsedAt: u.lastUsedAt.toISOString() })),
    unused: d.unused,
    unusedSentence: d.unusedSentence,
    canNarrow: d.canNarrow,
    reason: d.reason ?? null,
  }),
});
