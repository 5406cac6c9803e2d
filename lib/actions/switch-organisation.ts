"use server";

import { action } from "@/lib/auth/action";
import { switchOrganisation } from "@/lib/auth/switch-organisation";
import { DomainError } from "@/lib/errors";

/** Moves this session to another of the member's organisations. */
export const switchOrganisationAction = action(switchOrganisation, {
  revalidate: [["/", "layout"]],
  result: (switched) => {
    if (!switched) throw new DomainError("not_found", "You are not a member of that organisation.", { orgId: "Unknown organisation" });
  },
});
