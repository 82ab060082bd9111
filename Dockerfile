# Freshen's own image: built with dev dependencies, run with production dependencies only.
# The base is pinned by tag@digest; Freshen keeps the digest fresh from .github/freshen.yml.
ARG NODE_DIGEST=sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d
ARG NODE_IMAGE=node:24-bookworm-slim@${NODE_DIGEST}

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: nothing runs at install; the build below is explicit.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

FROM ${NODE_IMAGE} AS runtime
ARG NODE_IMAGE
ARG NODE_DIGEST
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
ARG CREATED=unknown
ARG SOURCE=https://github.com/freshen-bot/freshen
LABEL org.opencontainers.image.title="freshen" \
      org.opencontainers.image.description="GitHub App that keeps container base images and dependencies fresh and pinned" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.base.name="${NODE_IMAGE}" \
      org.opencontainers.image.base.digest="${NODE_DIGEST}"
# A small young generation (4 MB semi-spaces; Node 24 defaults to 16 MB and more): scans make much
# short-lived garbage, and a worker stays near 170 MB instead of 350 MB at the same speed (README, Scale).
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=4 \
    HOST=0.0.0.0 \
    PORT=3000 \
    HEALTH_PORT=9464
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY app.yml ./
# The ecosystems' own tools that regenerate lockfiles: Poetry from Debian, Go 1.23 from the image's own
# Debian mirror's bookworm-backports (bookworm's 1.19 cannot read go.mod files written since Go 1.21);
# npm, yarn and pnpm come with npm ci. Pinned, so Freshen proposes their updates like any OS package pin.
RUN mirror="$(sed -n 's/^URIs: //p' /etc/apt/sources.list.d/debian.sources | head -1)" \
 && echo "deb ${mirror} bookworm-backports main" > /etc/apt/sources.list.d/backports.list \
 && apt-get update \
 && apt-get install -y --no-install-recommends python3-poetry=1.3.2+dfsg-3+deb12u2 ca-certificates=20230311+deb12u1 \
 && apt-get install -y --no-install-recommends -t bookworm-backports golang-1.23-go=1.23.5-1~bpo12+1 \
 && rm -rf /var/lib/apt/lists/*
ENV PATH=/usr/lib/go-1.23/bin:$PATH
# The node image's unprivileged user (uid 1000); nothing in /app is writable by it.
USER node
EXPOSE 3000 9464
# Slim images carry no curl: node itself asks /healthz on the port of this process's role.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "dist/src/observability/healthcheck.js"]
CMD ["node", "dist/src/main.js"]
