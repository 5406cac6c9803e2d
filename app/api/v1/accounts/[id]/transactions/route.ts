export { listTransactions as GET } from "@/lib/api/accounts";
