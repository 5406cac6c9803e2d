"use server";

import { action } from "@/lib/auth/action";
import { rotateClientSecret } from "@/lib/credentials/manage-applications";

/** A new client secret, shown once; the old one and its tokens stop working at once. */
export const rotateClientSecretAction = action(rotateClientSecret, { revalidate: ["/credentials"], result: (rotated) => rotated });
