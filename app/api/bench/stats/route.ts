export { benchStats as GET } from "@/lib/api/bench";
