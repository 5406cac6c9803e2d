import type { Metadata } from "next";
import Link from "next/link";
import { AcceptInvitationForm, JoinWithInvitation } from "@/components/auth/accept-invitation-form";
import { Card } from "@/components/ui/card";
import { currentActor } from "@/lib/auth/current";
import { query } from "@/lib/query";
import { findInvitation } from "@/lib/members/accept-invitation";

export const metadata: Metadata = { title: "Join your organisation", referrer: "no-referrer" };

/** Public: the one-time token in the link is what lets the visitor in. */
export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = await query(findInvitation, token);
  if (!invitation) {
    return (
      <Card className="w-full max-w-md p-8">
        <h1 className="text-xl font-semibold tracking-tight">This invitation cannot be used</h1>
        <p className="mt-2 text-sm text-zinc-600">It has been used already, withdrawn, or it expired. Ask whoever invited you for a new link.</p>
        <Link href="/sign-in" className="mt-6 inline-block text-sm font-medium text-accent-700 hover:underline">
          Go to sign-in
        </Link>
      </Card>
    );
  }
  const actor = await currentActor();
  return (
    <Card className="w-full max-w-md p-8">
      <h1 className="text-xl font-semibold tracking-tight">Join {invitation.orgName}</h1>
      <p className="mt-1 text-sm text-zinc-600">
        You are invited as <strong className="text-zinc-900">{invitation.roleName}</strong>.
      </p>
      <div className="mt-6">
        {!invitation.existingUser ? (
          <AcceptInvitationForm token={token} email={invitation.email} />
        ) : actor?.user.email === invitation.email ? (
          <JoinWithInvitation token={token} orgName={invitation.orgName} />
        ) : (
          <p className="text-sm text-zinc-700">
            {invitation.email} already has a Latchkey sign-in.{" "}
            <Link href={`/sign-in?next=${encodeURIComponent(`/invite/${token}`)}`} className="font-medium text-accent-700 hover:underline">
              Sign in as {invitation.email}
            </Link>{" "}
            and this page lets you join.
          </p>
        )}
      </div>
    </Card>
  );
}
