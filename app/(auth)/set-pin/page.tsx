import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SetPinForm } from "@/components/auth/set-pin-form";
import { SignOutButton } from "@/components/shell/sign-out-button";
import { Card } from "@/components/ui/card";
import { requirePageActor } from "@/lib/auth/current";

export const metadata: Metadata = { title: "Set your PIN" };

export default async function SetPinPage() {
  const actor = await requirePageActor({ allowWithoutPin: true });
  if (actor.user.hasPin) redirect("/");
  return (
    <Card className="w-full max-w-md p-8">
      <p className="text-sm font-medium text-accent-700">Welcome, {actor.user.name.split(" ")[0]}</p>
      <h1 className="mt-1 text-xl font-semibold tracking-tight">Set your PIN</h1>
      <p className="mt-2 text-sm text-zinc-600">
        Your 6-digit PIN confirms every sensitive step: creating, renewing and deleting API keys, rotating client secrets, approving payments and changing
        roles. Nobody at the bank will ever ask you for it.
      </p>
      <div className="mt-6">
        <SetPinForm />
      </div>
      <div className="mt-4 flex items-center justify-between border-t border-zinc-100 pt-4 text-sm text-zinc-500">
        Not {actor.user.name}?
        <SignOutButton />
      </div>
    </Card>
  );
}
