import type { Metadata } from "next";
import Link from "next/link";
import { SetUpAccountForm } from "@/components/auth/set-up-account-form";
import { Card } from "@/components/ui/card";
import { findAccountToSetUp } from "@/lib/auth/set-up-account";
import { query } from "@/lib/query";
import { SET_UP_LINK_INVALID } from "@/lib/schemas/set-up";

export const metadata: Metadata = { title: "Set up your sign-in", referrer: "no-referrer" };

/** Public: the one-time token in the link (`npm run operator:create`) is what lets the visitor in. */
export default async function SetUpPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const account = await query(findAccountToSetUp, token);
  if (!account) {
    return (
      <Card className="w-full max-w-md p-8">
        <h1 className="text-xl font-semibold tracking-tight">{SET_UP_LINK_INVALID}</h1>
        <p className="mt-2 text-sm text-zinc-600">Ask whoever sent it for a new link.</p>
        <Link href="/sign-in" className="mt-6 inline-block text-sm font-medium text-accent-700 hover:underline">
          Go to sign-in
        </Link>
      </Card>
    );
  }
  return (
    <Card className="w-full max-w-md p-8">
      <p className="text-sm font-medium text-accent-700">Welcome, {account.name.split(" ")[0]}</p>
      <h1 className="mt-1 text-xl font-semibold tracking-tight">Set up your sign-in</h1>
      <p className="mt-2 text-sm text-zinc-600">
        Choose the password you sign in with and the 6-digit PIN that confirms every sensitive step. This link works once. Nobody at the bank will ever ask you
        for either.
      </p>
      <div className="mt-6">
        <SetUpAccountForm token={token} email={account.email} />
      </div>
    </Card>
  );
}
