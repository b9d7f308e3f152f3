# syntax=docker/dockerfile:1
# Node 22 LTS on Debian 12. Only package files, build configuration, src/, the workspace
# packages and bin/ (proofgate-admin) go in (see .dockerignore); the image runs dist/ with production dependencies, as the
# node user. The build compiles the workspace packages the service imports into dist/node_modules.
FROM node:22-bookworm-slim AS build
# No update check, audit, funding message or install-time analytics while building.
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_AUDIT=false NPM_CONFIG_FUND=false \
    DO_NOT_TRACK=1 SCARF_ANALYTICS=false
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages ./packages
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY tools/build-service.js tools/swc-options.js ./tools/
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim
LABEL org.opencontainers.image.title="Proofgate" org.opencontainers.image.licenses="Apache-2.0"
# WORKERS=auto: a container is sized per machine (or by its --cpus), and one process would run on
# one core of it (docs/DEPLOYMENT.md#workers).
ENV NODE_ENV=production HOST=0.0.0.0 PORT=25000 WORKERS=auto NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# Apache-2.0 §4: whoever passes the image on passes the licence and the NOTICE with it.
COPY LICENSE NOTICE ./
# The admin CLI on PATH: `docker compose exec proofgate proofgate-admin --help`.
COPY --chown=node:node bin ./bin
ENV PATH=/app/bin:$PATH
USER node
EXPOSE 25000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--max-old-space-size=1024", "dist/main.js"]
