// Under `next dev`, GET /metrics answers as on the production server (scripts/serve.mjs), which
// serves it on plain node:http before Next sees the request.
import { serveMetrics } from "@/lib/observability/metrics-endpoint";

export const dynamic = "force-dynamic";

const answer = (request: Request) => serveMetrics(request);

export { answer as GET, answer as HEAD, answer as POST, answer as PUT, answer as PATCH, answer as DELETE };
