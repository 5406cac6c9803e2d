import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // PGlite loads its WASM and data files from disk; bundling it breaks those paths
  // and would copy the WASM into public static output. prom-client is loaded from node_modules, once.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "prom-client"],
  poweredByHeader: false,
  reactStrictMode: true,
  // `LATCHKEY_SOURCE_MAPS=1 next build` writes browser source maps, for scripts/js-weight.mjs to say
  // what the pages' JavaScript is made of. Off otherwise: the maps are not served.
  productionBrowserSourceMaps: process.env.LATCHKEY_SOURCE_MAPS === "1",
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
    ];
  },
};

export default nextConfig;
