export { listCards as GET } from "@/lib/api/cards";
