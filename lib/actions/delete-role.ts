"use server";

import { action } from "@/lib/auth/action";
import { deleteRole } from "@/lib/roles/manage-roles";

/** Deletes a custom role nobody holds (Superadmin, PIN). */
export const deleteRoleAction = action(deleteRole, { revalidate: ["/members"] });
