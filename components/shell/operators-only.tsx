import { ShieldAlert } from "lucide-react";
import Link from "next/link";
import { Notice } from "@/components/shell/notice";
import { PageBody } from "@/components/shell/page-header";

/** What a signed-in member who is not a bank operator sees in the operator area. */
export function OperatorsOnly() {
  return (
    <PageBody>
      <Notice icon={ShieldAlert} title="Bank operators only">
        <p>The operator area is for the bank&apos;s own team.</p>
        <Link href="/keys" className="mt-3 inline-block font-medium text-accent-700 hover:underline">
          Back to your API keys
        </Link>
      </Notice>
    </PageBody>
  );
}
