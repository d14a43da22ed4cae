# AuthzService: run `make help` for the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

DOTNET      ?= dotnet
CONFIG      ?= Release
TOOLS_DIR   := $(CURDIR)/.tools
CERBOS      := $(TOOLS_DIR)/node_modules/@cerbos/cerbos-linux-x64/cerbos-linux-x64
export AUTHZ_TOOLS_DIR := $(TOOLS_DIR)
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}'

.PHONY: tools
tools: $(TOOLS_DIR)/.installed ## Install the npm tools (Cerbos, grpc-js) into .tools/ from tools/package-lock.json (npm ci), verify checksums

$(TOOLS_DIR)/.installed: tools/package.json tools/package-lock.json tools/tool-checksums.sha256 scripts/install-tools.sh
	@scripts/install-tools.sh "$(TOOLS_DIR)"
	@touch $@

.PHONY: dotnet-tools
dotnet-tools: ## Restore the local dotnet tools pinned in .config/dotnet-tools.json (CycloneDX, dotnet-outdated)
	@$(DOTNET) tool restore >/dev/null

.PHONY: licences licenses
licences: dotnet-tools ## Licence gate: every NuGet/npm package we ship or run is on tools/licences/allowed.txt (needs restore, tools)
	@scripts/gates/licences.py
licenses: licences

.PHONY: sbom
sbom: build dotnet-tools ## CycloneDX SBOMs of the service and the client library into artifacts/sbom/, checked against the build
	@CONFIG=$(CONFIG) scripts/gates/sbom.sh

.PHONY: vulnerabilities
vulnerabilities: ## Vulnerability gate: NuGet (dotnet list package --vulnerable) and npm audit; says UNCHECKED when a feed cannot answer
	@scripts/gates/vulnerabilities.py

.PHONY: migrations-check
migrations-check: build ## Migration gate: apply every migration to an empty PostgreSQL, compare the schema with the committed snapshot
	@CONFIG=$(CONFIG) scripts/gates/migrations.sh

.PHONY: schema-snapshot
schema-snapshot: build ## Rewrite src/AuthzService.Infrastructure/Postgres/schema.snapshot.sql after adding a migration
	@CONFIG=$(CONFIG) scripts/gates/migrations.sh --update

.PHONY: outdated
outdated: dotnet-tools ## Informational: packages with newer versions on the feed (dotnet-outdated-tool; npm outdated for the tools). Never fails
	-@$(DOTNET) outdated AuthzService.sln --ignore-failed-sources
	-@echo "npm tools (tools/package.json):"; cd $(TOOLS_DIR) && npm outdated --long || true

.PHONY: restore
restore: ## Restore NuGet packages
	$(DOTNET) restore AuthzService.sln

.PHONY: build
build: ## Build the solution (warnings are errors)
	$(DOTNET) build AuthzService.sln -c $(CONFIG) --nologo -clp:ErrorsOnly

.PHONY: proto
proto: ## Regenerate C# messages from proto/ (protoc via Grpc.Tools)
	$(DOTNET) build src/AuthzService.Contracts -c $(CONFIG) --nologo -clp:ErrorsOnly

.PHONY: lint
lint: ## Check formatting, code style and analyzers (dotnet format --verify-no-changes); names file, line and rule
	@scripts/gates/lint.sh AuthzService.sln

.PHONY: policies-test
policies-test: tools ## Compile the Cerbos policies and run their tests
	@scripts/policies-test.sh "$(CERBOS)" cerbos-policies

.PHONY: test
test: tools build ## Build, then run every suite: unit, integration, policy and interop tests
	@scripts/run-tests.sh "$(CONFIG)"

.PHONY: soak
soak: tools build ## Soaks: RevocationRaceTests with AUTHZ_RACE_ROUNDS (default 5000) rounds, DifferentialOracleTests with AUTHZ_ORACLE_DECISIONS (default 100000); AUTHZ_RACE_SEED / AUTHZ_ORACLE_SEED replay a seed
	AUTHZ_RACE_ROUNDS=$${AUTHZ_RACE_ROUNDS:-5000} AUTHZ_ORACLE_DECISIONS=$${AUTHZ_ORACLE_DECISIONS:-100000} \
		$(DOTNET) test tests/AuthzService.IntegrationTests -c $(CONFIG) --no-build --nologo \
		--filter "FullyQualifiedName~Cache.RevocationRaceTests|FullyQualifiedName~Oracle.DifferentialOracleTests" --logger "console;verbosity=detailed"

.PHONY: fuzz
fuzz: dotnet-tools ## Coverage-guided fuzzing (AFL++ with SharpFuzz) of every fuzz target, FUZZ_SECONDS each (default 120); FUZZ_TARGETS picks some
	@scripts/fuzz.sh "$(CONFIG)"

.PHONY: run
run: tools build ## Start a local stack (PostgreSQL, Cerbos, Redis) with demo data and run the service on 127.0.0.1:50051
	@scripts/run-local.sh "$(CONFIG)"

.PHONY: migrate
migrate: build ## Apply database migrations (ConnectionStrings__Postgres from the environment), then exit
	@test -n "$$ConnectionStrings__Postgres" || { echo "set ConnectionStrings__Postgres (an Npgsql connection string)"; exit 2; }
	$(DOTNET) src/AuthzService.Api/bin/$(CONFIG)/net10.0/AuthzService.Api.dll migrate

.PHONY: bench
bench: tools ## Benchmark: our gRPC server vs a bare Kestrel handler, side by side (h2load)
	@scripts/bench.sh

.PHONY: helm-policies
helm-policies: ## Copy cerbos-policies/ into the chart (git-ignored) before helm package/install
	rm -rf helm/authz-service/files/policies && mkdir -p helm/authz-service/files/policies && cp -r cerbos-policies/. helm/authz-service/files/policies/

.PHONY: helm-test
helm-test: ## Verify the Helm chart offline (renderer, Kubernetes schemas, hardening, values schema)
	@bash helm/tests/run.sh

.PHONY: helm-lint
helm-lint: ## helm lint --strict + helm template when helm is on PATH, else skipped
	@bash helm/tests/helm-lint.sh

.PHONY: clean
clean: ## Remove build outputs
	$(DOTNET) clean AuthzService.sln --nologo -v q
	rm -rf .run
