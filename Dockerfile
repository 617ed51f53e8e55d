# Multi-stage build: compile with the pinned toolchain, run as a non-root user on a slim base.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin biobridge

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app biobridge
WORKDIR /app
COPY --from=build /src/target/release/biobridge /usr/local/bin/biobridge
USER biobridge
ENV BIOBRIDGE_ENV=production \
    BIOBRIDGE_LISTEN=0.0.0.0:8080 \
    BIOBRIDGE_LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["biobridge"]
CMD ["serve"]
