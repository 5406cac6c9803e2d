export { getCardCode as GET, putCardCode as PUT } from "@/lib/api/cards";
