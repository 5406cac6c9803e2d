export { createPayment as POST, listPayments as GET } from "@/lib/api/money";
