export { getBalance as GET } from "@/lib/api/accounts";
