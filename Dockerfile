# AI-media provenance labeller: the HTTP service (npm start) on Node 22 LTS.
# Not Node 24: better-sqlite3 12 (13 needs Node 22+, which the CI machine's Node 20 cannot run)
# aborts there when a statement is collected after its environment is gone ("Assertion failed:
# (env) != nullptr", WiseLibs/better-sqlite3#1515); the full test suite passes on Node 22.
#   docker build -t labeller .
#   docker run -p 8080:8080 -v labeller-data:/data labeller
# The first start prints an API key once (docker logs); only its hash is kept in /data.

FROM node:22-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 may compile from source when no prebuilt binary fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# c2pa-node ships its native binary; never try to build it with cargo.
ENV SKIP_RUST_BUILD=1
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
# `prepare` compiles src/ into dist/ during npm ci.
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

FROM node:22-bookworm-slim
# DejaVu has the Kazakh letters (Ә Ғ Қ Ң Ө Ұ Ү Һ І) of the visible warning; perl runs ExifTool;
# Tesseract with Kazakh, Russian, English and Simplified Chinese reads the visible warning in
# the pixels of images being verified (without it, verify reports that layer as unknown).
# WenQuanYi Zen Hei draws the cn profile's «人工智能生成» (without it, cn labelling is refused).
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core fonts-wqy-zenhei perl \
      tesseract-ocr tesseract-ocr-kaz tesseract-ocr-rus tesseract-ocr-eng tesseract-ocr-chi-sim \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown node:node /data
WORKDIR /app
# MALLOC_ARENA_MAX=2: glibc's per-thread arenas fragment under libvips' threads; with it,
# RSS stayed flat (560–617 MB) over a 5-minute soak instead of creeping from 600 to 975 MB.
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=8080
COPY --from=build --chown=root:root /app/package.json /app/package-lock.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root bin ./bin
COPY --chown=root:root public ./public
# The code is root-owned and read-only to the service; it writes only to /data.
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node as PID 1 receives SIGTERM itself and shuts down gracefully (finishes in-flight jobs).
CMD ["node", "dist/server.js"]
