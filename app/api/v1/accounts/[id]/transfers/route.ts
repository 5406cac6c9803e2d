export { createTransfer as POST } from "@/lib/api/money";
