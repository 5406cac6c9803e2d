import { ShieldAlert } from "lucide-react";
import { Notice } from "@/components/shell/notice";
import { PageBody } from "@/components/shell/page-header";

/** What a signed-in member who is not a bank operator sees in the operator area. */
export function OperatorsOnly() {
  return (
    <PageBody>
      <Notice icon={ShieldAlert} title="Bank operators only">
        The operator area is for the bank&apos;s own team.
      </Notice>
    </PageBody>
  );
}
