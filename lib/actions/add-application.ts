"use server";

import { action } from "@/lib/auth/action";
import { addApplication } from "@/lib/credentials/manage-applications";

/** Adds an application to a business organisation; its client secret is shown once. */
export const addApplicationAction = action(addApplication, { revalidate: ["/credentials"], result: (created) => created });
