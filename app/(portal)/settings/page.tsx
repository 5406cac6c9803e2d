import { ChevronRight, KeyRound, Monitor, ShieldCheck, Smartphone } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { ChangePasswordButton } from "@/components/account/change-password-button";
import { ChangePinButton } from "@/components/account/change-pin-button";
import { OrganisationSetting } from "@/components/account/organisation-setting";
import { AddPasskeyButton, PasskeyList, PasskeyRequirementToggle } from "@/components/account/passkeys";
import { SignOutOthersButton } from "@/components/account/sign-out-others-button";
import { KeyApprovalToggle } from "@/components/keys/key-approval";
import { RelativeTime } from "@/components/keys/relative-time";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { requirePageActor } from "@/lib/auth/current";
import { listActiveSessions } from "@/lib/auth/sessions";
import { describeUserAgent } from "@/lib/auth/user-agent";
import { isSuperadmin } from "@/lib/members/rules";
import { passkeyRequired } from "@/lib/organisations/passkey-required";
import { keyApprovalRequired } from "@/lib/organisations/set-key-approval";
import { listOwnPasskeys } from "@/lib/passkeys/list-own-passkeys";
import { MAX_PASSKEYS } from "@/lib/passkeys/relying-party";
import { query } from "@/lib/query";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const actor = await requirePageActor({ organisation: true });
  const now = new Date();
  const superadmin = isSuperadmin(actor);
  const sessions = (await query(listActiveSessions, actor.user.id, actor.sessionId)).map((s) => ({ ...s, device: describeUserAgent(s.userAgent) }));
  const others = sessions.filter((s) => !s.current).length;
  const [approvalRequired, passkeysRequired, passkeys] = await Promise.all([
    query(keyApprovalRequired, actor.org.id),
    query(passkeyRequired, actor.org.id),
    query(listOwnPasskeys, actor),
  ]);
  return (
    <>
      <PageHeader
        crumbs={[{ label: actor.org.name }, { label: "Settings" }]}
        title="Settings"
        description="Your organisation's developer options and your own sign-in."
      />
      <PageBody>
        <Card>
          <h2 id="developer" className="border-b border-zinc-200 px-5 py-3 text-sm font-semibold text-zinc-900">
            Developer
          </h2>
          <Link href="/settings/developer/api-keys" className="flex items-center gap-3 px-5 py-4 hover:bg-zinc-50">
            <KeyRound className="size-5 shrink-0 text-accent-600" aria-hidden />
            <span className="min-w-0 flex-1">
              <span className="block text-sm font-medium text-zinc-900">API keys</span>
              <span className="block text-sm text-zinc-500">Create, renew and delete the keys your software uses.</span>
            </span>
            <ChevronRight className="size-4 shrink-0 text-zinc-500" aria-hidden />
          </Link>
        </Card>
        <OrganisationSetting
          id="key-approval"
          title="Keys that can move money need a second person"
          on={approvalRequired}
          state={approvalRequired ? "A second member approves each key that can move money." : "Keys that can move money work as soon as they are made."}
          toggle={superadmin ? <KeyApprovalToggle required={approvalRequired} /> : null}
          roleName={actor.role?.name}
        >
          When on, a new or regenerated key that can make transfers or payments is refused by the API until another member who may approve keys approves it with
          their PIN — never the person who made it. Unapproved keys are deleted after 7 days.
        </OrganisationSetting>
        <OrganisationSetting
          id="passkey-requirement"
          title="Money needs a passkey"
          on={passkeysRequired}
          state={passkeysRequired ? "A passkey confirms everything that moves money." : "A PIN or a passkey confirms everything that moves money."}
          toggle={superadmin ? <PasskeyRequirementToggle required={passkeysRequired} /> : null}
          roleName={actor.role?.name}
        >
          When on, approving a payment and creating, regenerating or approving a key that can make transfers or payments need a passkey: a PIN can be watched or
          phished, a passkey cannot. Members without a passkey add one below, under Passkeys.
        </OrganisationSetting>
        <Card aria-labelledby="sign-in-heading">
          <h2 id="sign-in-heading" className="border-b border-zinc-200 px-5 py-3 text-sm font-semibold text-zinc-900">
            Your sign-in
          </h2>
          <dl className="grid grid-cols-1 gap-y-1 px-5 py-4 text-sm sm:grid-cols-[10rem_minmax(0,1fr)] sm:gap-y-3">
            <dt className="text-zinc-500">Name</dt>
            <dd className="mb-2 sm:mb-0">{actor.user.name}</dd>
            <dt className="text-zinc-500">Email</dt>
            <dd className="mb-2 break-all sm:mb-0">{actor.user.email}</dd>
            <dt className="text-zinc-500">Role</dt>
            <dd className="mb-2 sm:mb-0">
              {actor.role?.name} in {actor.org.name}
            </dd>
            <dt className="self-center text-zinc-500">PIN</dt>
            <dd className="mb-2 flex flex-wrap items-center justify-between gap-2 sm:mb-0">
              <span className="flex items-center gap-1.5">
                <ShieldCheck className="size-4 text-emerald-600" aria-hidden /> Set
              </span>
              <ChangePinButton />
            </dd>
            <dt className="self-center text-zinc-500">Password</dt>
            <dd className="flex flex-wrap items-center justify-between gap-2">
              <span className="text-zinc-500">Changing it signs you out everywhere else.</span>
              <ChangePasswordButton />
            </dd>
          </dl>
        </Card>
        <Card aria-labelledby="passkeys">
          <div className="flex flex-wrap items-center justify-between gap-3 border-b border-zinc-200 px-5 py-3">
            <div className="min-w-0 flex-1 basis-64">
              <h2 id="passkeys" className="scroll-mt-4 text-sm font-semibold text-zinc-900">
                Passkeys
              </h2>
              <p className="text-sm text-zinc-500">
                Confirm sensitive actions with your fingerprint, face, screen lock or a security key instead of your PIN. Each confirmation is good for that one
                action only.
              </p>
            </div>
            <AddPasskeyButton count={passkeys.length} max={MAX_PASSKEYS} />
          </div>
          {passkeysRequired && !passkeys.length ? (
            <p role="status" className="border-b border-amber-200 bg-amber-50 px-5 py-3 text-sm text-amber-900">
              {actor.org.name} requires a passkey for actions that move money. Add one to approve payments or create keys that can move money.
            </p>
          ) : null}
          <PasskeyList passkeys={passkeys} now={now} />
        </Card>
        <Card aria-labelledby="sessions">
          <div className="flex flex-wrap items-center justify-between gap-3 border-b border-zinc-200 px-5 py-3">
            <div>
              <h2 id="sessions" className="scroll-mt-4 text-sm font-semibold text-zinc-900">
                Sessions
              </h2>
              <p className="text-sm text-zinc-500">Where you are signed in now. A session ends after 30 idle minutes, and 12 hours after sign-in.</p>
            </div>
            <SignOutOthersButton others={others} />
          </div>
          <ul aria-label="Your sessions" className="divide-y divide-zinc-100">
            {sessions.map((session) => {
              const Icon = session.device.os === "iOS" || session.device.os === "Android" ? Smartphone : Monitor;
              // Session ids never reach the browser; when and where a session began tells them apart.
              const key = `${session.createdAt.toISOString()} ${session.ip ?? ""} ${session.userAgent ?? ""}`;
              return (
                <li key={key} className="flex items-start gap-3 px-5 py-4" aria-current={session.current ? "true" : undefined}>
                  <Icon className="mt-0.5 size-5 shrink-0 text-zinc-500" aria-hidden />
                  <div className="min-w-0 flex-1">
                    <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-zinc-900">
                      {session.device.label}
                      {session.current ? <Badge tone="success">This device</Badge> : null}
                    </p>
                    <p className="mt-0.5 text-sm break-words text-zinc-500">
                      <span className="font-mono tabular">{session.ip ?? "Address unknown"}</span>
                      <span aria-hidden> · </span>
                      <span>
                        Signed in <RelativeTime date={session.createdAt} now={now} />
                      </span>
                      <span aria-hidden> · </span>
                      <span>
                        {session.current ? (
                          "Active now"
                        ) : (
                          <>
                            Last active <RelativeTime date={session.lastSeenAt} now={now} />
                          </>
                        )}
                      </span>
                    </p>
                  </div>
                </li>
              );
            })}
          </ul>
        </Card>
      </PageBody>
    </>
  );
}
