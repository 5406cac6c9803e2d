import { ChevronRight, KeyRound, ShieldCheck } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { Card } from "@/components/ui/card";
import { requirePageActor } from "@/lib/auth/current";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const actor = await requirePageActor({ organisation: true });
  return (
    <>
      <PageHeader
        crumbs={[{ label: actor.org!.name }, { label: "Settings" }]}
        title="Settings"
        description="Your organisation's developer options and your own sign-in."
      />
      <PageBody>
        <Card>
          <h2 id="developer" className="border-b border-zinc-200 px-5 py-3 text-sm font-semibold text-zinc-900">
            Developer
          </h2>
          <Link href="/settings/developer/api-keys" className="flex items-center gap-3 px-5 py-4 hover:bg-zinc-50">
            <KeyRound className="size-5 text-accent-600" aria-hidden />
            <span className="flex-1">
              <span className="block text-sm font-medium text-zinc-900">API keys</span>
              <span className="block text-sm text-zinc-500">Create, renew and delete the keys your software uses.</span>
            </span>
            <ChevronRight className="size-4 text-zinc-400" aria-hidden />
          </Link>
        </Card>
        <Card>
          <h2 className="border-b border-zinc-200 px-5 py-3 text-sm font-semibold text-zinc-900">Your sign-in</h2>
          <dl className="grid grid-cols-[10rem_1fr] gap-y-3 px-5 py-4 text-sm">
            <dt className="text-zinc-500">Name</dt>
            <dd>{actor.user.name}</dd>
            <dt className="text-zinc-500">Email</dt>
            <dd>{actor.user.email}</dd>
            <dt className="text-zinc-500">Role</dt>
            <dd>
              {actor.role?.name} in {actor.org!.name}
            </dd>
            <dt className="text-zinc-500">PIN</dt>
            <dd className="flex items-center gap-1.5">
              <ShieldCheck className="size-4 text-emerald-600" aria-hidden /> Set
            </dd>
          </dl>
        </Card>
      </PageBody>
    </>
  );
}
