# kubeclass app image: Next.js + socket.io custom server. Migrations are applied on start.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
RUN npm run db:generate && npx next build

FROM node:20-bookworm-slim AS run
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 HOST=0.0.0.0 PORT=3000
COPY --from=build /app /app
RUN chown -R node:node /app
USER node
EXPOSE 3000
# scripts/start.ts applies pending migrations and serves on $PORT; it refuses to start without
# NEXTAUTH_SECRET and seeds demo accounts only with KUBECLASS_DEMO=1.
CMD ["node_modules/.bin/tsx", "scripts/start.ts"]
