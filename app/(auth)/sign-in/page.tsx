import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { Card } from "@/components/ui/card";
import { currentActor } from "@/lib/auth/current";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  if (await currentActor()) redirect("/");
  const { next } = await searchParams;
  return (
    <Card className="w-full max-w-sm p-8">
      <h1 className="text-xl font-semibold tracking-tight">Sign in</h1>
      <p className="mt-1 text-sm text-zinc-600">Use the email address your organisation invited.</p>
      <div className="mt-6">
        <SignInForm next={typeof next === "string" ? next : undefined} />
      </div>
    </Card>
  );
}
