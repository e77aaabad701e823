# syntax=docker/dockerfile:1

# ---- build stage -------------------------------------------------------------
FROM golang:1.26-bookworm AS build
WORKDIR /src

# Download modules first so this layer is cached until go.mod/go.sum change.
COPY go.mod go.sum ./
RUN go mod download

COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/ocophub ./cmd/ocophub
# The photos folder, owned by nonroot: a named volume mounted there starts
# from it, so the app can write.
RUN mkdir -p /out/photos

# ---- runtime stage -----------------------------------------------------------
# distroless static: no shell, no package manager; the nonroot tag runs as uid/gid 65532.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/ocophub /usr/local/bin/ocophub
COPY --from=build --chown=65532:65532 /out/photos /var/lib/ocophub/photos
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/ocophub"]
CMD ["serve"]
