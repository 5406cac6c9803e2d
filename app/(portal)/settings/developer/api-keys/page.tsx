import { redirect } from "next/navigation";

/** Settings › Developer › API keys, where the product dashboard puts it, leads to the key page. */
export default function SettingsDeveloperApiKeys() {
  redirect("/keys");
}
