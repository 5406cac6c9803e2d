"use server";

import { action } from "@/lib/auth/action";
import { createRole } from "@/lib/roles/manage-roles";

/** Creates a custom role (Superadmin, PIN). */
export const createRoleAction = action(createRole, { revalidate: ["/members"], result: (created) => created });
