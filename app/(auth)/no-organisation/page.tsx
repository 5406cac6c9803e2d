import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignOutButton } from "@/components/shell/sign-out-button";
import { Card } from "@/components/ui/card";
import { requirePageActor } from "@/lib/auth/current";

export const metadata: Metadata = { title: "No organisation" };

export default async function NoOrganisationPage() {
  const actor = await requirePageActor();
  if (actor.org) redirect("/keys");
  if (actor.user.isOperator) redirect("/ops");
  return (
    <Card className="w-full max-w-md p-8">
      <h1 className="text-xl font-semibold tracking-tight">You are not in any organisation</h1>
      <p className="mt-2 text-sm text-zinc-600">
        {actor.user.email} is not a member of an organisation any more. Ask your organisation&apos;s Superadmin to invite you again.
      </p>
      <SignOutButton className="mt-6 -ml-2" />
    </Card>
  );
}
