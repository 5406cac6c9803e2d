export { listStatements as GET } from "@/lib/api/accounts";
