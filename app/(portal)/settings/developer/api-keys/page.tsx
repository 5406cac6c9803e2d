import type { Metadata } from "next";
import { KeysList, type SearchParams } from "../../../keys/keys-list";

export const metadata: Metadata = { title: "API keys · Settings" };

/** Settings › Developer › API keys, where the product dashboard puts it: the key list, with that breadcrumb. */
export default async function SettingsDeveloperApiKeys({ searchParams }: { searchParams: SearchParams }) {
  return (
    <KeysList
      searchParams={searchParams}
      basePath="/settings/developer/api-keys"
      crumbs={(orgName) => [
        { label: orgName },
        { label: "Settings", href: "/settings" },
        { label: "Developer", href: "/settings#developer" },
        { label: "API keys" },
      ]}
    />
  );
}
