import "server-only";
import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * The route template of a portal path, for log lines and metric labels: "/keys/[id]", never
 * "/keys/3f…" — and never an invitation's or set-up link's token, which travel in the path. Read
 * from the production build's routes manifest, so it names exactly the routes Next will serve.
 */
export type PortalRouteOf = (pathname: string) => string;

interface Manifest {
  staticRoutes: { page: string }[];
  dynamicRoutes: { page: string; regex: string }[];
}

export const UNMATCHED_ROUTE = "(unmatched)";

export function portalRoutes(buildDir = path.join(process.cwd(), ".next")): PortalRouteOf {
  let manifest: Manifest = { staticRoutes: [], dynamicRoutes: [] };
  try {
    manifest = JSON.parse(readFileSync(path.join(buildDir, "routes-manifest.json"), "utf8")) as Manifest;
  } catch {
    // No build to read (development): every page is then counted under one label.
  }
  const fixed = new Set(manifest.staticRoutes.map((route) => route.page));
  // The manifest lists dynamic routes most specific first, the order Next matches them in.
  const dynamic = manifest.dynamicRoutes
    .filter((route) => !route.page.startsWith("/api/"))
    .map((route) => ({ page: route.page, pattern: new RegExp(route.regex) }));
  return (pathname) => {
    if (pathname.startsWith("/_next/static/")) return "/_next/static/[...path]";
    if (pathname.startsWith("/_next/")) return "/_next/[...path]";
    const trimmed = pathname.length > 1 && pathname.endsWith("/") ? pathname.slice(0, -1) : pathname;
    if (fixed.has(trimmed)) return trimmed;
    return dynamic.find((route) => route.pattern.test(pathname))?.page ?? UNMATCHED_ROUTE;
  };
}
