export { benchAccountsUnverified as GET } from "@/lib/api/bench";
