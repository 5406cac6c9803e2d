"use server";

import { action } from "@/lib/auth/action";
import { changePin } from "@/lib/auth/change-pin";

/** Changes the member's own PIN, confirmed with the current one; their other sessions end. */
export const changePinAction = action(changePin, { revalidate: ["/settings"], result: (done) => done });
