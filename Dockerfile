# syntax=docker/dockerfile:1
# AuthzService image: build and publish with the .NET 10 SDK, run on the chiseled
# ASP.NET Core runtime (no shell, no package manager) as a numeric non-root user.
# The Helm chart (helm/authz-service) adds the read-only root filesystem, the /tmp
# tmpfs, certificates and configuration; see docs/deploy.md.

# Base images are pinned by digest (tag kept for readers; `make test` refuses a tag-only FROM,
# scripts/gates/dockerfile-pins.py). The registry cannot be reached from our build machines, so
# these digests could not be verified here: they are the ones several public Dockerfiles pin for
# these tags. To refresh (and verify) on a machine that reaches the registry:
#   docker buildx imagetools inspect mcr.microsoft.com/dotnet/sdk:10.0
#   docker buildx imagetools inspect mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled
# and write the "Digest:" of the index (multi-platform manifest list) after the tag.

# mcr.microsoft.com/dotnet/sdk:10.0
FROM mcr.microsoft.com/dotnet/sdk:10.0@sha256:ea8bde36c11b6e7eec2656d0e59101d4462f6bd630730f2c8201ed0572b295d5 AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1
# Restore first, from the project files only, so the layer is reused until a
# dependency changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/AuthzService.Api/AuthzService.Api.csproj src/AuthzService.Api/
COPY src/AuthzService.Contracts/AuthzService.Contracts.csproj src/AuthzService.Contracts/
COPY src/AuthzService.Core/AuthzService.Core.csproj src/AuthzService.Core/
COPY src/AuthzService.Infrastructure/AuthzService.Infrastructure.csproj src/AuthzService.Infrastructure/
COPY src/AuthzService.Tls/AuthzService.Tls.csproj src/AuthzService.Tls/
RUN dotnet restore src/AuthzService.Api/AuthzService.Api.csproj
COPY proto/ proto/
COPY src/ src/
RUN dotnet publish src/AuthzService.Api/AuthzService.Api.csproj \
        --configuration Release --no-restore --output /app \
        -p:UseAppHost=false -p:DebugType=none

# mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled@sha256:48e51f2f6798897be7ac4e775c049ed8fe60d3190f637e1f9c9dc7513efa659c AS runtime
LABEL org.opencontainers.image.title="authz-service" \
      org.opencontainers.image.description="Tenant-scoped gRPC authorization service backed by Cerbos"
WORKDIR /app
# Owned by root and not writable by the service user: the process can read its code,
# never change it (the chart also mounts the root filesystem read-only).
COPY --from=build --chown=0:0 /app ./
# The base image's default HTTP listener (ASPNETCORE_HTTP_PORTS=8080) is switched off:
# the two Kestrel endpoints below are the only listeners. /tmp is the only writable
# path (a memory-backed emptyDir in Kubernetes).
ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_HTTP_PORTS= \
    ASPNETCORE_URLS= \
    Kestrel__Endpoints__Grpc__Url=https://0.0.0.0:50051 \
    Kestrel__Endpoints__Health__Url=http://0.0.0.0:8081 \
    Logging__Console__FormatterName=json \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    TMPDIR=/tmp
# 50051: gRPC API over TLS (mTLS for callers). 8081: plaintext, grpc.health.v1.Health only.
EXPOSE 50051 8081
# Numeric, so Kubernetes can verify runAsNonRoot without an /etc/passwd lookup.
USER 10001:10001
# No HEALTHCHECK: health is the gRPC health service on 8081, probed by Kubernetes (grpc probes).
ENTRYPOINT ["dotnet", "AuthzService.Api.dll"]
