import { redirect } from "next/navigation";
import { requirePageActor } from "@/lib/auth/current";

export default async function Home() {
  const actor = await requirePageActor();
  redirect(actor.org ? "/keys" : actor.user.isOperator ? "/ops" : "/no-organisation");
}
