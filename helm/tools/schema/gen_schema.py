"""Generates helm/authz-service/values.schema.json (draft-07).

The JSON file is what Helm reads and what is committed; this generator keeps its
many repeated shapes (secret references, resources, peers) written once.
helm/tests/run.sh checks the committed file matches this output.
Usage: python3 helm/tools/schema/gen_schema.py helm/authz-service/values.schema.json
"""
import json, sys

def obj(props, required=None, **kw):
    o = {"type": "object", "additionalProperties": False, "properties": props}
    if required: o["required"] = required
    o.update(kw)
    return o

def s(desc, **kw): return dict({"type": "string", "description": desc}, **kw)
def b(desc): return {"type": "boolean", "description": desc}
def i(desc, **kw): return dict({"type": "integer", "description": desc}, **kw)
def ref(name, desc=None):
    r = {"$ref": f"#/definitions/{name}"}
    if desc: r = {"allOf": [r], "description": desc}
    return r

defs = {
  "stringMap": {"type": "object", "additionalProperties": {"type": "string"}},
  "k8sName": {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", "maxLength": 253},
  "optionalK8sName": {"type": "string", "pattern": "^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$", "maxLength": 253},
  "secretKey": {"type": "string", "pattern": "^[-._a-zA-Z0-9]+$"},
  "secretRef": obj({"secretName": ref("k8sName"), "key": ref("secretKey")}, ["secretName", "key"],
                   description="A reference to a key of a Kubernetes Secret; inline values are not accepted."),
  "digest": {"type": "string", "pattern": "^(sha256:[a-f0-9]{64})?$"},
  "pullPolicy": {"type": "string", "enum": ["Always", "IfNotPresent", "Never"]},
  "cpu": {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?m?$"},
  "optionalCpu": {"type": "string", "pattern": "^([0-9]+(\\.[0-9]+)?m?)?$"},
  "memory": {"type": "string", "pattern": "^[0-9]+(Ki|Mi|Gi|Ti|k|M|G|T)$"},
  "resources": obj({"cpuRequest": ref("cpu"), "cpuLimit": ref("optionalCpu"), "memory": ref("memory")},
                   ["cpuRequest", "cpuLimit", "memory"],
                   description="One memory value is used as request and limit."),
  "goDuration": {"type": "string", "pattern": "^([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+$"},
  "port": {"type": "integer", "minimum": 1, "maximum": 65535},
  "cidr": {"type": "string", "pattern": "^([0-9]{1,3}\\.){3}[0-9]{1,3}/[0-9]{1,2}$|^[0-9a-fA-F:]+/[0-9]{1,3}$"},
  "labelSelector": obj({
      "matchLabels": ref("stringMap"),
      "matchExpressions": {"type": "array", "items": obj({
          "key": {"type": "string", "minLength": 1},
          "operator": {"type": "string", "enum": ["In", "NotIn", "Exists", "DoesNotExist"]},
          "values": {"type": "array", "items": {"type": "string"}}}, ["key", "operator"])}}),
  "peer": obj({
      "ipBlock": obj({"cidr": ref("cidr"), "except": {"type": "array", "items": ref("cidr")}}, ["cidr"]),
      "podSelector": ref("labelSelector"),
      "namespaceSelector": ref("labelSelector")}, minProperties=1),
  "egressRule": obj({"port": ref("port"),
                     "to": {"type": "array", "minItems": 1, "items": ref("peer"),
                            "description": "Non-empty: an empty list would allow every destination."}},
                    ["port", "to"]),
  "issuerRef": obj({"name": {"type": "string"}, "kind": {"type": "string", "enum": ["Issuer", "ClusterIssuer"]},
                    "group": {"type": "string", "minLength": 1}}, ["name", "kind", "group"]),
}

# Names the chart sets itself: extraEnv must not override them.
managed = "^(ConnectionStrings__|Cerbos__|Kestrel__|Auth__|Cache__PolicyRevision$|Cache__(Previous)?SigningKey$|ASPNETCORE_ENVIRONMENT$)"
credential_like = "[Pp][Aa][Ss][Ss][Ww][Oo]?[Rr][Dd]|[Pp][Ww][Dd]=|[Ss][Ee][Cc][Rr][Ee][Tt]|[Tt][Oo][Kk][Ee][Nn]|://[^/@]+:[^/@]+@"
envName = {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"}

schema = {
  "$schema": "http://json-schema.org/draft-07/schema#",
  "$id": "https://authz.example.com/charts/authz-service/values.schema.json",
  "title": "authz-service chart values",
  "definitions": defs,
  "type": "object", "additionalProperties": False,
  "required": ["image", "resources", "config", "auth", "database", "redis", "migrations", "certManager", "tls",
               "cerbos", "probes", "service", "podDisruptionBudget", "autoscaling", "networkPolicy"],
  "properties": {
    "nameOverride": s("Chart name override.", maxLength=40),
    "fullnameOverride": s("Full name override.", maxLength=52, pattern="^([a-z0-9]([-a-z0-9]*[a-z0-9])?)?$"),
    "clusterDomain": s("Cluster DNS domain.", minLength=1),
    "image": obj({"repository": s("Image repository.", minLength=1, pattern="^[^@:\\s]+(:[0-9]+)?(/[^@:\\s]+)*$"),
                  "tag": s("Image tag.", pattern="^[A-Za-z0-9_.-]{0,128}$"),
                  "digest": ref("digest", "Image digest."), "pullPolicy": ref("pullPolicy")},
                 ["repository", "tag", "digest", "pullPolicy"]),
    "imagePullSecrets": {"type": "array", "items": ref("k8sName")},
    "replicaCount": i("Replicas without HPA.", minimum=1),
    "podAnnotations": ref("stringMap"),
    "podLabels": ref("stringMap"),
    "priorityClassName": ref("optionalK8sName"),
    "nodeSelector": ref("stringMap"),
    "tolerations": {"type": "array", "items": obj({
        "key": {"type": "string"}, "operator": {"type": "string", "enum": ["Exists", "Equal"]},
        "value": {"type": "string"}, "effect": {"type": "string", "enum": ["", "NoSchedule", "PreferNoSchedule", "NoExecute"]},
        "tolerationSeconds": {"type": "integer", "minimum": 0}})},
    "terminationGracePeriodSeconds": i("Drain time.", minimum=1),
    "resources": ref("resources"),
    "tmpSizeLimit": ref("memory"),
    "topologySpread": obj({
        "hostMaxSkew": i("", minimum=1), "zoneMaxSkew": i("", minimum=1),
        "hostWhenUnsatisfiable": {"type": "string", "enum": ["DoNotSchedule", "ScheduleAnyway"]},
        "zoneWhenUnsatisfiable": {"type": "string", "enum": ["DoNotSchedule", "ScheduleAnyway"]}},
        ["hostMaxSkew", "zoneMaxSkew", "hostWhenUnsatisfiable", "zoneWhenUnsatisfiable"]),
    "config": obj({
        "environment": s("ASPNETCORE_ENVIRONMENT; Development is refused.", pattern="^[A-Za-z]+$",
                         **{"not": {"enum": ["Development", "development"]}}),
        "logFormat": {"type": "string", "enum": ["json", "simple", "systemd"]},
        "cache": obj({"keyPrefix": s("Cache key namespace.", minLength=1, pattern="^[^\\s]+$"),
                      "ttl": s("TimeSpan.", pattern="^([0-9]+\\.)?[0-9]{2}:[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?$")},
                     ["keyPrefix", "ttl"]),
        "rateLimits": obj({"perCallerPermitsPerSecond": i("", minimum=1),
                           "perTenantPermitsPerSecond": i("", minimum=1),
                           "tiers": {"type": "object", "propertyNames": {"pattern": "^[A-Za-z0-9_-]+$"},
                                     "additionalProperties": {"type": "integer", "minimum": 1}}},
                          ["perCallerPermitsPerSecond", "perTenantPermitsPerSecond", "tiers"]),
        "audit": obj({"allowSampleRate": {"type": "number", "minimum": 0, "maximum": 1}}, ["allowSampleRate"]),
        "telemetry": obj({"otlpEndpoint": s("OTLP endpoint.", pattern="^(https?://[^\\s@]+)?$")}, ["otlpEndpoint"]),
        "database": obj({"autoMigrate": b("Migrate at start-up.")}, ["autoMigrate"]),
        "extraEnv": {"type": "array", "items": obj({
            "name": dict(envName, **{"not": {"pattern": managed}}),
            "value": {"type": "string", "not": {"pattern": credential_like},
                      "description": "Plain values only: anything that looks like a credential belongs in extraSecretEnv."}},
            ["name", "value"])},
        "extraSecretEnv": {"type": "array", "items": obj({
            "name": dict(envName, **{"not": {"pattern": managed}}),
            "secretName": ref("k8sName"), "key": ref("secretKey")}, ["name", "secretName", "key"])},
      }, ["environment", "logFormat", "cache", "rateLimits", "audit", "telemetry", "database", "extraEnv", "extraSecretEnv"]),
    "auth": obj({
        "callers": {"type": "array", "items": obj({
            "identity": s("SPIFFE URI or DNS name.", pattern="^(spiffe://[a-zA-Z0-9.-]+(/[A-Za-z0-9._~%!$&'()*+,;=:@-]+)+|[a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?)$"),
            "services": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"type": "string", "enum": [
                "authz.v1.AuthorizationService", "authz.v1.MembershipService", "authz.v1.CacheService",
                # Server reflection (grpcurl, Postman): granted like any service.
                "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"]}},
            # Auth__Callers__N__Tenants__M: exact ids or a prefix ending in '*'; '*' alone, a '*' elsewhere, control
            # characters and surrounding spaces are refused (the service refuses them at start-up too).
            "tenants": {"type": "array", "minItems": 1, "uniqueItems": True,
                        "description": "Tenant ids or prefixes ending in '*' the caller may name; absent = any tenant.",
                        "items": s("A tenant id, or a prefix followed by '*'.", pattern=r"^[^*\s\p{Cc}]([^*\p{Cc}]{0,126}[^*\s\p{Cc}])?\*?$")},
            "includeMeta": b("false refuses include_meta to this caller; absent = allowed.")},
            ["identity", "services"])},
        "callerCa": obj({"secretName": ref("optionalK8sName"), "key": ref("secretKey")}, ["secretName", "key"])},
        ["callers", "callerCa"]),
    "database": obj({"connectionString": ref("secretRef", "PostgreSQL connection string Secret (never inline).")}, ["connectionString"]),
    "redis": obj({"enabled": b("Use Redis."), "connectionString": ref("secretRef", "Redis configuration Secret (never inline)."),
                  "signingKey": obj({"secretName": ref("k8sName"), "key": ref("secretKey"),
                                     "previousKey": s("Key of the previous signing key in the same Secret; empty = none.",
                                                      pattern="^([-._a-zA-Z0-9]+)?$")},
                                    ["secretName", "key", "previousKey"],
                                    description="Secret with the L2 signing key(s) (never inline).")},
                 ["enabled", "connectionString", "signingKey"]),
    "migrations": obj({"enabled": b("Run the migration hook."), "backoffLimit": i("", minimum=0),
                       "activeDeadlineSeconds": i("", minimum=1), "ttlSecondsAfterFinished": i("", minimum=0),
                       "resources": ref("resources")},
                      ["enabled", "backoffLimit", "activeDeadlineSeconds", "ttlSecondsAfterFinished", "resources"]),
    "certManager": obj({
        "enabled": b("Create Certificates."), "issuerRef": ref("issuerRef"),
        "duration": ref("goDuration"), "renewBefore": ref("goDuration"),
        "privateKey": obj({"algorithm": {"type": "string", "enum": ["ECDSA", "RSA", "Ed25519"]},
                           "size": {"type": "integer", "enum": [256, 384, 521, 2048, 3072, 4096]}}, ["algorithm", "size"]),
        "extraDnsNames": {"type": "array", "items": {"type": "string", "pattern": "^[a-zA-Z0-9*]([-a-zA-Z0-9.]*[a-zA-Z0-9])?$"}}},
        ["enabled", "issuerRef", "duration", "renewBefore", "privateKey", "extraDnsNames"],
        **{"if": {"properties": {"enabled": {"const": True}}},
           "then": {"properties": {"issuerRef": {"properties": {"name": {"minLength": 1}}}}}}),
    "tls": obj({k: obj({"secretName": ref("optionalK8sName")}, ["secretName"]) for k in ["server", "cerbosServer", "cerbosClient"]},
               ["server", "cerbosServer", "cerbosClient"]),
    "cerbos": obj({
        "mode": {"type": "string", "enum": ["sidecar", "external"]},
        "image": obj({"repository": s("Cerbos image.", minLength=1), "tag": s("Tag.", pattern="^[A-Za-z0-9_.-]{1,128}$"),
                      "digest": ref("digest"), "pullPolicy": ref("pullPolicy")}, ["repository", "tag", "digest", "pullPolicy"]),
        "resources": ref("resources"),
        "tmpSizeLimit": ref("memory"),
        "logLevel": {"type": "string", "enum": ["DEBUG", "INFO", "WARN", "ERROR"]},
        "defaultPolicyVersion": s("Default policy version.", pattern="^[A-Za-z0-9_-]+$"),
        "policies": obj({
            "source": {"type": "string", "enum": ["configmap", "git"]},
            "revision": s("Policy revision override.", pattern="^[A-Za-z0-9:._-]{0,64}$"),
            "git": obj({"url": s("Repository URL.", pattern="^(https://[^\\s@]+)?$"),
                        "branch": s("Branch.", minLength=1), "subDir": s("Subdirectory."),
                        "updatePollInterval": ref("goDuration"),
                        "credentials": obj({"secretName": ref("optionalK8sName"), "usernameKey": ref("secretKey"),
                                            "passwordKey": ref("secretKey")}, ["secretName", "usernameKey", "passwordKey"])},
                       ["url", "branch", "subDir", "updatePollInterval", "credentials"])},
            ["source", "revision", "git"],
            **{"if": {"properties": {"source": {"const": "git"}}},
               "then": {"properties": {"git": {"properties": {"url": {"minLength": 9}}}}}}),
        "policyWatch": obj({"enabled": b("Watch Cerbos's policy store."),
                            "interval": s("TimeSpan.", pattern="^([0-9]+\\.)?[0-9]{2}:[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?$"),
                            "unconfirmedTtl": s("TimeSpan.", pattern="^([0-9]+\\.)?[0-9]{2}:[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?$")},
                           ["enabled", "interval", "unconfirmedTtl"]),
        "external": obj({
            "address": s("External Cerbos gRPC address.", pattern="^(https://[^\\s/@]+(:[0-9]+)?)?$"),
            "httpAddress": s("External Cerbos HTTP address.", pattern="^(https://[^\\s/@]+(:[0-9]+)?)?$"),
            "caSecret": obj({"secretName": ref("optionalK8sName"), "key": ref("secretKey")}, ["secretName", "key"]),
            "clientIssuerRef": obj({"name": {"type": "string"}, "kind": {"type": "string", "enum": ["Issuer", "ClusterIssuer"]},
                                    "group": {"type": "string", "minLength": 1}}, ["name", "kind", "group"])},
            ["address", "httpAddress", "caSecret", "clientIssuerRef"])},
        ["mode", "image", "resources", "tmpSizeLimit", "logLevel", "defaultPolicyVersion", "policies", "policyWatch", "external"],
        **{"if": {"properties": {"mode": {"const": "external"}}},
           "then": {"properties": {"external": {"properties": {"address": {"minLength": 9}}}}}}),
    "probes": obj({
        "livenessService": s("Health service for liveness."), "readinessService": s("Health service for readiness."),
        "periodSeconds": i("", minimum=1), "timeoutSeconds": i("", minimum=1),
        "livenessFailureThreshold": i("", minimum=1), "readinessFailureThreshold": i("", minimum=1),
        "startupFailureThreshold": i("", minimum=1)},
        ["livenessService", "readinessService", "periodSeconds", "timeoutSeconds", "livenessFailureThreshold",
         "readinessFailureThreshold", "startupFailureThreshold"]),
    "service": obj({"type": {"type": "string", "enum": ["ClusterIP"]}, "port": ref("port"), "headless": b("Headless Service."),
                    "annotations": ref("stringMap"), "authzenEnabled": b("Serve the AuthZEN HTTP/JSON API."),
                    # Not a port the pod uses already (gRPC, health, the Cerbos sidecar's HTTP and gRPC).
                    "authzenPort": {"allOf": [ref("port"), {"not": {"enum": [50051, 8081, 3592, 3593]}}]}}, ["type", "port", "headless", "annotations"]),
    "serviceAccount": obj({"annotations": ref("stringMap")}),
    "podDisruptionBudget": obj({"enabled": b("Create a PDB."), "maxUnavailable": i("", minimum=1)}, ["enabled", "maxUnavailable"]),
    "autoscaling": obj({"enabled": b("Create an HPA."), "minReplicas": i("", minimum=2), "maxReplicas": i("", minimum=2),
                        "targetCPUUtilizationPercentage": i("", minimum=10, maximum=100),
                        "scaleDownStabilizationSeconds": i("", minimum=0)},
                       ["enabled", "minReplicas", "maxReplicas", "targetCPUUtilizationPercentage", "scaleDownStabilizationSeconds"]),
    "networkPolicy": obj({
        "enabled": b("Create NetworkPolicies."),
        "callerPodSelector": obj({"matchLabels": {"type": "object", "additionalProperties": {"type": "string"}, "minProperties": 1}}, ["matchLabels"],
                                 description="Non-empty: every caller pod must carry these labels."),
        "callerNamespaceSelector": obj({"matchLabels": ref("stringMap")}, ["matchLabels"]),
        "egress": obj({k: ref("egressRule") for k in ["postgres", "redis", "cerbos", "git", "otlp", "dns"]},
                      ["postgres", "redis", "cerbos", "git", "otlp", "dns"])},
        ["enabled", "callerPodSelector", "callerNamespaceSelector", "egress"]),
    "serviceMonitor": obj({"enabled": b("Create a ServiceMonitor."), "interval": ref("goDuration"), "labels": ref("stringMap"),
                           "prometheusNamespaceSelector": obj({"matchLabels": {"type": "object", "additionalProperties": {"type": "string"}, "minProperties": 1}}, ["matchLabels"])},
                          ["enabled", "interval", "labels", "prometheusNamespaceSelector"]),
  },
}
json.dump(schema, open(sys.argv[1], "w"), indent=2)
open(sys.argv[1], "a").write("\n")
