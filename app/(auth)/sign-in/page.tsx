import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { Card } from "@/components/ui/card";
import { currentActor } from "@/lib/auth/current";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string; joined?: string; email?: string }> }) {
  const { next, joined, email } = await searchParams;
  if (await currentActor()) redirect(typeof next === "string" && next.startsWith("/invite/") ? next : "/");
  return (
    <Card className="w-full max-w-sm p-8">
      <h1 className="text-xl font-semibold tracking-tight">Sign in</h1>
      <p className="mt-1 text-sm text-zinc-600">Use the email address your organisation invited.</p>
      {joined ? (
        <p role="status" className="mt-4 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2.5 text-sm text-emerald-900">
          Your password is set. Sign in to choose your PIN.
        </p>
      ) : null}
      <div className="mt-6">
        <SignInForm next={typeof next === "string" ? next : undefined} email={typeof email === "string" ? email.slice(0, 254) : undefined} />
      </div>
    </Card>
  );
}
