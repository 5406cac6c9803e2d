import type { Metadata } from "next";
import { KeysList, type SearchParams } from "./keys-list";

export const metadata: Metadata = { title: "API keys" };

export default async function KeysPage({ searchParams }: { searchParams: SearchParams }) {
  return <KeysList searchParams={searchParams} basePath="/keys" crumbs={(orgName) => [{ label: orgName }, { label: "API keys" }]} />;
}
