export { listAccounts as GET } from "@/lib/api/accounts";
