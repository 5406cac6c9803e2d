"use server";

import { redirect } from "next/navigation";
import { action } from "@/lib/auth/action";
import { setFirstPin } from "@/lib/auth/set-pin";

/** Sets the member's first PIN, then opens the portal where they belong. */
export const setPinAction = action(setFirstPin, {
  result: (actor) => {
    redirect(actor.org ? "/keys" : actor.user.isOperator ? "/ops" : "/");
  },
});
