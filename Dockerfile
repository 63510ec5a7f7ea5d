# One image for both processes: the API (default) and the sync worker (override the command).
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# Listen on every interface inside the container (the API and the worker default to 127.0.0.1).
ENV HOST=0.0.0.0
COPY package.json package-lock.json ./
RUN npm ci --include=dev --no-audit --no-fund
COPY . .
RUN node scripts/prisma-generate.cjs
USER node
EXPOSE 3000
CMD ["node", "-r", "@swc-node/register", "apps/api/src/main.ts"]
