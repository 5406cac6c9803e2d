"use server";

import { action } from "@/lib/auth/action";
import { setOrganisationProducts } from "@/lib/ops/manage-organisation";

/** A bank operator enables or disables the API products of an organisation (PIN). */
export const setOrganisationProductsAction = action(setOrganisationProducts, { revalidate: ["/ops"] });
