{{/* Names ------------------------------------------------------------------ */}}

{{- define "authz.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "authz.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "authz.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels; pass (dict "ctx" $ "component" "server") */}}
{{- define "authz.labels" -}}
helm.sh/chart: {{ include "authz.chart" .ctx }}
{{ include "authz.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/part-of: authz-service
{{- end -}}

{{- define "authz.selectorLabels" -}}
app.kubernetes.io/name: {{ include "authz.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Images: repository@digest when a digest is given, else repository:tag. */}}
{{- define "authz.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "authz.cerbosImage" -}}
{{- if .Values.cerbos.image.digest -}}
{{- printf "%s@%s" .Values.cerbos.image.repository .Values.cerbos.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.cerbos.image.repository .Values.cerbos.image.tag -}}
{{- end -}}
{{- end -}}

{{/* Secret names ------------------------------------------------------------ */}}

{{- define "authz.serverTlsSecret" -}}
{{- default (printf "%s-server-tls" (include "authz.fullname" .)) .Values.tls.server.secretName -}}
{{- end -}}

{{- define "authz.cerbosServerTlsSecret" -}}
{{- default (printf "%s-cerbos-server-tls" (include "authz.fullname" .)) .Values.tls.cerbosServer.secretName -}}
{{- end -}}

{{- define "authz.cerbosClientTlsSecret" -}}
{{- default (printf "%s-cerbos-client-tls" (include "authz.fullname" .)) .Values.tls.cerbosClient.secretName -}}
{{- end -}}

{{- define "authz.callerCaSecret" -}}
{{- default (include "authz.serverTlsSecret" .) .Values.auth.callerCa.secretName -}}
{{- end -}}

{{/* Secret holding the CA that verifies the Cerbos server certificate. */}}
{{- define "authz.cerbosCaSecret" -}}
{{- if eq .Values.cerbos.mode "sidecar" -}}
{{- include "authz.cerbosServerTlsSecret" . -}}
{{- else -}}
{{- default (include "authz.cerbosClientTlsSecret" .) .Values.cerbos.external.caSecret.secretName -}}
{{- end -}}
{{- end -}}

{{- define "authz.cerbosCaKey" -}}
{{- if eq .Values.cerbos.mode "sidecar" -}}ca.crt{{- else -}}{{ .Values.cerbos.external.caSecret.key }}{{- end -}}
{{- end -}}

{{- define "authz.cerbosAddress" -}}
{{- if eq .Values.cerbos.mode "sidecar" -}}
https://127.0.0.1:3593
{{- else -}}
{{- required "cerbos.external.address is required when cerbos.mode is external" .Values.cerbos.external.address -}}
{{- end -}}
{{- end -}}

{{- define "authz.cerbosHttpAddress" -}}
{{- if eq .Values.cerbos.mode "sidecar" -}}
https://127.0.0.1:3592
{{- else -}}
{{- required "cerbos.external.httpAddress is required when cerbos.mode is external and cerbos.policyWatch.enabled" .Values.cerbos.external.httpAddress -}}
{{- end -}}
{{- end -}}

{{/* Policies ----------------------------------------------------------------
Policy files are every YAML/JSON file under files/policies/, except policy tests
(tests/, testdata/, *_test.*), which belong in CI, not in the PDP. */}}

{{- define "authz.policyFiles" -}}
{{- $out := dict -}}
{{- range $path, $_ := .Files.Glob "files/policies/**.{yaml,yml,json}" -}}
{{- $rel := trimPrefix "files/policies/" $path -}}
{{- $segments := splitList "/" $rel -}}
{{- if not (or (has "tests" $segments) (has "testdata" $segments) (regexMatch "_test\\.(yaml|yml|json)$" $rel)) -}}
{{- $_ := set $out $rel (regexReplaceAll "[^-._a-zA-Z0-9]" (replace "/" "__" $rel) "_") -}}
{{- end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/* Policy files grouped by directory ("root" for files at the top). Each directory
is mounted as its own ConfigMap volume: Cerbos does not descend into the symlinked
directories a single nested ConfigMap mount would create, but reads the symlinked
files inside a mounted directory. */}}
{{- define "authz.policyDirs" -}}
{{- $files := include "authz.policyFiles" . | fromJson -}}
{{- $dirs := dict -}}
{{- range $rel := keys $files | sortAlpha -}}
{{- $dir := dir $rel -}}
{{- if eq $dir "." -}}{{- $dir = "root" -}}{{- end -}}
{{- if and (hasPrefix "_schemas/" $dir) -}}
{{- fail (printf "policy file %s: schemas must sit directly in _schemas/ (nested schema folders are not supported by the ConfigMap layout)" $rel) -}}
{{- end -}}
{{- /* Mount points are flat (a/b -> a__b): a mount nested in another ConfigMap mount cannot be created. */ -}}
{{- $dir = replace "/" "__" $dir -}}
{{- $_ := set $dirs $dir (append (get $dirs $dir | default list) $rel) -}}
{{- end -}}
{{- toJson $dirs -}}
{{- end -}}

{{/* sha256 over every policy file's path and content, in path order. */}}
{{- define "authz.policyChecksum" -}}
{{- $files := include "authz.policyFiles" . | fromJson -}}
{{- $acc := "" -}}
{{- range $rel := keys $files | sortAlpha -}}
{{- $acc = printf "%s%s\n%s\n" $acc $rel ($.Files.Get (printf "files/policies/%s" $rel) | sha256sum) -}}
{{- end -}}
{{- $acc | sha256sum -}}
{{- end -}}

{{/* The value of Cache__PolicyRevision: a new value starts a new cache generation. */}}
{{- define "authz.policyRevision" -}}
{{- if .Values.cerbos.policies.revision -}}
{{- .Values.cerbos.policies.revision -}}
{{- else if eq .Values.cerbos.policies.source "git" -}}
{{- printf "git:%s" (printf "%s#%s:%s" .Values.cerbos.policies.git.url .Values.cerbos.policies.git.branch .Values.cerbos.policies.git.subDir | sha256sum | trunc 16) -}}
{{- else -}}
{{- printf "sha256:%s" (include "authz.policyChecksum" . | trunc 16) -}}
{{- end -}}
{{- end -}}

{{- define "authz.policyConfigMap" -}}
{{- printf "%s-policies-%s" (include "authz.fullname" .) (include "authz.policyChecksum" . | trunc 10) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Pod-level hardening shared by every pod of the chart. */}}
{{- define "authz.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Container-level hardening shared by every container of the chart. */}}
{{- define "authz.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Resources: memory limit is always the memory request. Pass the resources values. */}}
{{- define "authz.resources" -}}
requests:
  cpu: {{ .cpuRequest | quote }}
  memory: {{ .memory | quote }}
limits:
  {{- if .cpuLimit }}
  cpu: {{ .cpuLimit | quote }}
  {{- end }}
  memory: {{ .memory | quote }}
{{- end -}}

{{/* A NetworkPolicy peer list from values (already schema-checked to be non-empty). */}}
{{- define "authz.peers" -}}
{{- if not . -}}
{{- fail "networkPolicy.egress: every enabled destination needs at least one peer (an empty list would allow every destination)" -}}
{{- end -}}
{{- toYaml . -}}
{{- end -}}
