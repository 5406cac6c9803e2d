export { serveOpenApi as GET } from "@/lib/api/openapi";
