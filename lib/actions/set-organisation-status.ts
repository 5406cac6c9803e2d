"use server";

import { action } from "@/lib/auth/action";
import { setOrganisationStatus } from "@/lib/ops/manage-organisation";

/** A bank operator approves or suspends an organisation (PIN). */
export const setOrganisationStatusAction = action(setOrganisationStatus, { revalidate: ["/ops"] });
