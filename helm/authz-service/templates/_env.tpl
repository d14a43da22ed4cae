{{/* Environment of the AuthzService container (the configuration surface in
docs/configuration.md; the chart side in docs/deploy.md). Connection strings and credentials only ever come from Secrets. */}}
{{- define "authz.env" -}}
- name: ASPNETCORE_ENVIRONMENT
  value: {{ .Values.config.environment | quote }}
- name: Kestrel__Endpoints__Grpc__Url
  value: "https://0.0.0.0:50051"
- name: Kestrel__Endpoints__Grpc__Certificate__Path
  value: /etc/authz/tls/server/tls.crt
- name: Kestrel__Endpoints__Grpc__Certificate__KeyPath
  value: /etc/authz/tls/server/tls.key
- name: Kestrel__Endpoints__Health__Url
  value: "http://0.0.0.0:8081"
{{- if .Values.service.authzenEnabled }}
{{- if has (int .Values.service.authzenPort) (list 50051 8081 3592 3593) }}
{{- fail "service.authzenPort: must differ from the gRPC (50051), health (8081) and Cerbos (3592, 3593) ports" }}
{{- end }}
- name: Kestrel__Endpoints__Http__Url
  value: {{ printf "https://0.0.0.0:%v" .Values.service.authzenPort | quote }}
{{- if and (eq .Values.cerbos.mode "sidecar") (eq .Values.cerbos.policies.source "configmap") }}
{{- /* Action search reads the policies the Cerbos sidecar loads: the same ConfigMap, mounted read-only (deployment.yaml). */}}
- name: AuthZen__PolicyDirectory
  value: /etc/authz/policies
{{- end }}
{{- end }}
- name: Auth__CallerCaCertificate
  value: /etc/authz/tls/callers/ca.crt
{{- range $i, $caller := .Values.auth.callers }}
- name: Auth__Callers__{{ $i }}__Identity
  value: {{ $caller.identity | quote }}
{{- range $j, $svc := $caller.services }}
- name: Auth__Callers__{{ $i }}__Services__{{ $j }}
  value: {{ $svc | quote }}
{{- end }}
{{- range $j, $tenant := (default (list) (get $caller "tenants")) }}
- name: Auth__Callers__{{ $i }}__Tenants__{{ $j }}
  value: {{ $tenant | quote }}
{{- end }}
{{- if hasKey $caller "includeMeta" }}
- name: Auth__Callers__{{ $i }}__IncludeMeta
  value: {{ $caller.includeMeta | toString | quote }}
{{- end }}
{{- end }}
- name: ConnectionStrings__Postgres
  valueFrom:
    secretKeyRef:
      name: {{ .Values.database.connectionString.secretName }}
      key: {{ .Values.database.connectionString.key }}
{{- if .Values.redis.enabled }}
- name: ConnectionStrings__Redis
  valueFrom:
    secretKeyRef:
      name: {{ .Values.redis.connectionString.secretName }}
      key: {{ .Values.redis.connectionString.key }}
- name: Cache__SigningKey
  valueFrom:
    secretKeyRef:
      name: {{ .Values.redis.signingKey.secretName }}
      key: {{ .Values.redis.signingKey.key }}
{{- if .Values.redis.signingKey.previousKey }}
- name: Cache__PreviousSigningKey
  valueFrom:
    secretKeyRef:
      name: {{ .Values.redis.signingKey.secretName }}
      key: {{ .Values.redis.signingKey.previousKey }}
      optional: true
{{- end }}
{{- end }}
- name: Database__AutoMigrate
  value: {{ .Values.config.database.autoMigrate | toString | quote }}
- name: Cerbos__Address
  value: {{ include "authz.cerbosAddress" . | quote }}
- name: Cerbos__Tls__CaCertificate
  value: /etc/authz/tls/cerbos-ca/ca.crt
- name: Cerbos__Tls__ClientCertificate
  value: /etc/authz/tls/cerbos-client/tls.crt
- name: Cerbos__Tls__ClientKey
  value: /etc/authz/tls/cerbos-client/tls.key
- name: Cerbos__Tls__Verify
  value: "true"
{{- if .Values.cerbos.policyWatch.enabled }}
- name: Cerbos__PolicyWatch__Address
  value: {{ include "authz.cerbosHttpAddress" . | quote }}
- name: Cerbos__PolicyWatch__Interval
  value: {{ .Values.cerbos.policyWatch.interval | quote }}
- name: Cerbos__PolicyWatch__UnconfirmedTtl
  value: {{ .Values.cerbos.policyWatch.unconfirmedTtl | quote }}
{{- end }}
- name: Cache__KeyPrefix
  value: {{ .Values.config.cache.keyPrefix | quote }}
- name: Cache__Ttl
  value: {{ .Values.config.cache.ttl | quote }}
- name: Cache__PolicyRevision
  value: {{ include "authz.policyRevision" . | quote }}
- name: RateLimits__PerCaller__PermitsPerSecond
  value: {{ .Values.config.rateLimits.perCallerPermitsPerSecond | int64 | toString | quote }}
- name: RateLimits__PerTenant__PermitsPerSecond
  value: {{ .Values.config.rateLimits.perTenantPermitsPerSecond | int64 | toString | quote }}
{{- range $tier := keys .Values.config.rateLimits.tiers | sortAlpha }}
- name: RateLimits__Tiers__{{ $tier }}__PermitsPerSecond
  value: {{ get $.Values.config.rateLimits.tiers $tier | int64 | toString | quote }}
{{- end }}
- name: Audit__AllowSampleRate
  value: {{ .Values.config.audit.allowSampleRate | toString | quote }}
{{- if .Values.config.telemetry.otlpEndpoint }}
- name: Telemetry__OtlpEndpoint
  value: {{ .Values.config.telemetry.otlpEndpoint | quote }}
{{- end }}
- name: Logging__Console__FormatterName
  value: {{ .Values.config.logFormat | quote }}
{{- range .Values.config.extraEnv }}
- name: {{ .name }}
  value: {{ .value | quote }}
{{- end }}
{{- range .Values.config.extraSecretEnv }}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: {{ .key }}
{{- end }}
{{- end -}}

{{/* Environment of the migration Job: only what `migrate` needs. */}}
{{- define "authz.migrateEnv" -}}
- name: ASPNETCORE_ENVIRONMENT
  value: {{ .Values.config.environment | quote }}
- name: ConnectionStrings__Postgres
  valueFrom:
    secretKeyRef:
      name: {{ .Values.database.connectionString.secretName }}
      key: {{ .Values.database.connectionString.key }}
- name: Logging__Console__FormatterName
  value: {{ .Values.config.logFormat | quote }}
{{- end -}}
