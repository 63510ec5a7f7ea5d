# One image for every process, compiled once (`npm run build`): the API (default command), the sync
# worker (`node dist/sync-worker/main.js`), migrations (`node dist/tools/db-migrate.js`) and the
# admin token command (`node dist/tools/admin-token.js --name NAME`).

# Build: every dependency, the generated Prisma client, then plain JavaScript under dist/.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run -s build

# Production: the compiled JavaScript, the SQL migrations and production dependencies only, as the
# unprivileged user `node` (uid 1000).
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# Listen on every interface inside the container (the API and the worker default to 127.0.0.1).
ENV HOST=0.0.0.0
ENV PORT=3000
# glibc's malloc on transparent huge pages (read at process start; the kernel's setting decides):
# the analysis's large tables are typed arrays, and on a virtual machine each 4 KiB page costs about
# 10 µs when first touched (README, "Image"). bin/palisade.cjs sets the same for the CLI.
ENV GLIBC_TUNABLES=glibc.malloc.hugetlb=1
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY prisma/migrations ./prisma/migrations
USER node
EXPOSE 3000
# Liveness of the API on PORT; the worker's container checks WORKER_HEALTH_PORT instead (docker-compose.yml).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/api/main.js"]
