"use server";

import { revalidatePath } from "next/cache";
import { withActor } from "@/lib/auth/current";
import { switchOrganisation } from "@/lib/auth/switch-organisation";
import { getDb } from "@/lib/db";
import type { ActionResult } from "./result";

export async function switchOrganisationAction(orgId: unknown): Promise<ActionResult> {
  return withActor({}, async (actor) => {
    if (!(await switchOrganisation(getDb(), actor, orgId))) {
      return { ok: false, error: "You are not a member of that organisation.", fieldErrors: { orgId: "Unknown organisation" } };
    }
    revalidatePath("/", "layout");
    return { ok: true };
  });
}
