# Latchkey: the portal and the bank API in one Node process (README: Deploying).
#
#   docker build -t latchkey .
#   docker run -p 3000:3000 -v latchkey-data:/data latchkey
#
# Without DATABASE_URL it keeps the embedded database (PGlite) and its AUTH_SECRET in the /data
# volume, one container per volume. compose.yaml runs two instances on PostgreSQL behind Caddy.

ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS base
WORKDIR /app

# Production dependencies only, exactly as the lock file has them.
FROM base AS deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# Every dependency, the sources, then the production build: the portal (next build) and the bank
# API's bundle. Next's build cache stays behind.
FROM base AS build
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN node scripts/lib/build.mjs && rm -rf .next/cache

# What runs: production dependencies, the build, and what the start's preparation step reads
# (scripts, lib, the migrations). The code is root's and read-only; the server runs as `node`.
FROM base AS runtime
ENV NODE_ENV=production \
    LATCHKEY_DATA_DIR=/data \
    PORT=3000
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/.next ./.next
COPY package.json package-lock.json next.config.ts tsconfig.json ./
COPY drizzle ./drizzle
COPY lib ./lib
COPY public ./public
COPY scripts ./scripts
RUN mkdir -p /data .next/cache && chown node:node /data .next/cache
USER node
VOLUME /data
EXPOSE 3000
# Ready: the database answers and every migration is applied. Node's own fetch, since the slim image
# has no curl; the port is the one the server was given.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/ready', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# `npm start` without npm in between, so SIGTERM reaches it; --prebuilt serves the image's build and
# never builds (the build tools are not in this stage).
CMD ["node", "scripts/start.mjs", "--prebuilt"]
