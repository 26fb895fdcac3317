# syntax=docker/dockerfile:1
# reelctl: the reconciler daemon in a container. Build: docker build -t reelctl .
# Run:   docker run -v $PWD/manifests:/manifests:ro -v reelctl-data:/data \
#          -e RUNWARE_API_KEY_FILE=/run/secrets/runware -p 9464:9464 reelctl

FROM node:22-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY cmd ./cmd
COPY src ./src
COPY bench ./bench
COPY schemas ./schemas
RUN npm run build

FROM node:22-bookworm-slim AS runtime
# tini reaps child processes (git for provenance); git records the manifest commit in sidecars.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist ./dist
COPY schemas ./schemas
COPY assets ./assets
RUN mkdir -p /data /manifests && chown -R node:node /data
USER node
VOLUME ["/data"]
EXPOSE 9464
STOPSIGNAL SIGTERM
# No curl in slim images: the health check uses node itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9464/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/dist/cmd/reelctl.js"]
# 0.0.0.0 inside the container so probes and Prometheus can reach it; publish the port deliberately.
CMD ["run", "/manifests", "--state", "/data/state.json", "--out", "/data/outputs", "--listen", "0.0.0.0:9464"]
