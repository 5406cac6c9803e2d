"use server";

import { action } from "@/lib/auth/action";
import { updateRole } from "@/lib/roles/manage-roles";

/** Edits a custom role (Superadmin, PIN); its members feel it on their next request. */
export const updateRoleAction = action(updateRole, { revalidate: ["/members"] });
