// The lean API server's bundle entry (built by scripts/lib/api-bundle.mjs): plain node:http, no framework.
export { API_ROUTES, createDispatcher, dispatchApi, isApiPath } from "./routes";
export { BENCH_ROUTES } from "./bench";
export { startJobTimer } from "@/lib/jobs/timer";
export { CLIENT_ADDRESS_HEADER, parseTrustedProxies, resolveClientAddress } from "@/lib/http/client-address";
export { env } from "@/lib/env";
export { flushLog, log } from "@/lib/observability/log";
export { markDraining } from "./health";
export { countRequestsInFlight } from "@/lib/observability/metrics";
export { serveMetrics } from "@/lib/observability/metrics-endpoint";
export { portalRoutes } from "@/lib/observability/portal-routes";
export { elapsed, finishPortalRequest } from "@/lib/observability/requests";
export { releaseResources } from "@/lib/runtime/shutdown";
