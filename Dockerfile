# kubeguard: one static binary (lint, pss, rbac, netpol, serve, ...) on a distroless base.
# The image runs `kubeguard serve` (the admission webhook) by default; see docs/serve.md.
#
#   docker build -t ghcr.io/kubeguard/kubeguard:0.1.0 .

# Build: on Alpine the Rust target is musl and links statically. ring compiles its C and
# assembly with the musl toolchain; nothing else needs C (no OpenSSL, no aws-lc).
FROM rust:1.95-alpine AS build
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p kubeguard-cli --bin kubeguard \
    && install -D -m 0555 target/release/kubeguard /out/kubeguard

# Run: no shell, no package manager, user 65532 (nonroot).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/kubeguard /kubeguard
USER 65532:65532
EXPOSE 8443
ENTRYPOINT ["/kubeguard"]
CMD ["serve", "--listen=0.0.0.0:8443", "--tls-cert=/etc/kubeguard/tls/tls.crt", "--tls-key=/etc/kubeguard/tls/tls.key"]
