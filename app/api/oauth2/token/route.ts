export { issueToken as POST } from "@/lib/api/oauth";
