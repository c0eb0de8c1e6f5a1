# leakgate in a container: `docker build -t leakgate .` then
#   docker run --rm -v "$PWD:/src" leakgate scan .
#   docker run --rm -v "$PWD:/src" leakgate scan --history
#   docker run --rm -v "$PWD:/src" leakgate deps .
#
# Build stage: the release binary, from the committed Cargo.lock (--locked).
# The base images are build arguments so a registry mirror can be named
# (--build-arg RUST_IMAGE=... --build-arg BASE_IMAGE=...); the Rust image must
# carry cargo >= 1.88 (what the locked dependencies need), a C compiler and libc headers
# (libgit2 is compiled from its vendored sources).
ARG RUST_IMAGE=rust:1.88-slim-bookworm
ARG BASE_IMAGE=debian:bookworm-slim

FROM ${RUST_IMAGE} AS build
WORKDIR /build
COPY . .
RUN cargo build --release --locked --bin leakgate \
 && install -m 0755 target/release/leakgate /usr/local/bin/leakgate \
 && /usr/local/bin/leakgate --version

# Final stage: the binary, git (history and staged scans of a mounted
# repository, hooks) and CA certificates (advisory database downloads).
FROM ${BASE_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 # A mounted repository belongs to the host's user, not to the container's:
 # without this git (and libgit2) refuse it as "dubious ownership".
 && git config --system --add safe.directory '*' \
 && useradd --create-home --uid 10001 --user-group --shell /usr/sbin/nologin leakgate
COPY --from=build /usr/local/bin/leakgate /usr/local/bin/leakgate
USER 10001:10001
ENV HOME=/home/leakgate
WORKDIR /src
ENTRYPOINT ["leakgate"]
CMD ["scan", "."]
