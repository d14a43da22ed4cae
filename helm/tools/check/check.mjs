// Chart verification without a cluster or helm: renders the chart with the offline
// renderer for the default values and every example, validates each object against
// Kubernetes schemas, asserts the hardening object by object, and tests
// values.schema.json against good and bad values files. Every assertion is one check;
// the last line is "helm checks: N passed, N failed".
//
// Usage: node check.mjs --render BIN --chart DIR --cerbos BIN --work DIR
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, appendFileSync, existsSync } from "node:fs";
import path from "node:path";
import yaml from "js-yaml";
import Ajv from "ajv";
import * as core from "kubernetes-models/v1";
import * as apps from "kubernetes-models/apps/v1";
import * as batch from "kubernetes-models/batch/v1";
import * as policy from "kubernetes-models/policy/v1";
import * as autoscaling from "kubernetes-models/autoscaling/v2";
import * as networking from "kubernetes-models/networking.k8s.io/v1";
import * as certManager from "@kubernetes-models/cert-manager/cert-manager.io/v1";
import * as monitoring from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import { unknownFields, modelFile } from "./strict-fields.mjs";

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const { render: renderBin, chart, cerbos: cerbosBin, work } = args;
const toolsDir = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const schemaGen = path.join(toolsDir, "schema", "gen_schema.py");
const python = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

let passed = 0;
let failed = 0;
let section = "";
let capture = null; // when set (self-test), failures are collected instead of counted
function check(name, ok, detail = "") {
  if (capture) {
    if (!ok) capture.push(name);
    return ok;
  }
  if (ok) passed++;
  else {
    failed++;
    console.log(`  FAIL [${section}] ${name}${detail ? `: ${detail}` : ""}`);
  }
  return ok;
}
function attempt(name, fn) {
  try {
    return check(name, fn() !== false);
  } catch (e) {
    return check(name, false, e.message.split("\n").slice(0, 6).join(" | "));
  }
}
const eq = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const sha256 = (s) => createHash("sha256").update(s).digest("hex");

// ---------------------------------------------------------------- rendering
function render(chartDir, files) {
  const argv = ["-chart", chartDir, "-name", "authz", "-namespace", "authz"];
  for (const f of files) argv.push("-f", f);
  const text = execFileSync(renderBin, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return { text, docs: yaml.loadAll(text).filter((d) => d && typeof d === "object") };
}
function mergedValues(chartDir, files) {
  const argv = ["-chart", chartDir, "-dump-values"];
  for (const f of files) argv.push("-f", f);
  return JSON.parse(execFileSync(renderBin, argv, { encoding: "utf8" }));
}

// ---------------------------------------------------------------- kubernetes schemas
const models = {
  "v1/ConfigMap": core.ConfigMap, "v1/Service": core.Service, "v1/ServiceAccount": core.ServiceAccount, "v1/Secret": core.Secret,
  "apps/v1/Deployment": apps.Deployment, "batch/v1/Job": batch.Job, "policy/v1/PodDisruptionBudget": policy.PodDisruptionBudget,
  "autoscaling/v2/HorizontalPodAutoscaler": autoscaling.HorizontalPodAutoscaler,
  "networking.k8s.io/v1/NetworkPolicy": networking.NetworkPolicy,
  "cert-manager.io/v1/Certificate": certManager.Certificate,
  "monitoring.coreos.com/v1/ServiceMonitor": monitoring.ServiceMonitor,
};

function checkSchemas(docs) {
  for (const d of docs) {
    const id = `${d.kind}/${d.metadata?.name}`;
    const Model = models[`${d.apiVersion}/${d.kind}`];
    if (!check(`${id}: known apiVersion/kind ${d.apiVersion}`, !!Model)) continue;
    attempt(`${id}: valid against the Kubernetes schema`, () => new Model(d).validate());
    const file = modelFile(d.apiVersion, d.kind);
    if (file) {
      const unknown = unknownFields(d, file);
      check(`${id}: no unknown fields`, unknown.length === 0, unknown.join(", "));
    }
    check(`${id}: name is a DNS label <= 63`, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(d.metadata.name) && d.metadata.name.length <= 63, d.metadata.name);
    check(`${id}: carries name/instance labels`, d.metadata.labels?.["app.kubernetes.io/name"] && d.metadata.labels?.["app.kubernetes.io/instance"] === "authz");
  }
  const keys = docs.map((d) => `${d.kind}/${d.metadata.name}`);
  check("object names are unique per kind", new Set(keys).size === keys.length, keys.join(","));
}

// ---------------------------------------------------------------- hardening
const CREDENTIAL = /password|pwd=|secret=|token=|:\/\/[^/@\s]+:[^/@\s]+@/i;

function podSpecs(docs) {
  return docs.filter((d) => ["Deployment", "Job"].includes(d.kind)).map((d) => ({ owner: `${d.kind}/${d.metadata.name}`, obj: d, spec: d.spec.template.spec, labels: d.spec.template.metadata.labels }));
}

function checkPod({ owner, spec }) {
  const psc = spec.securityContext || {};
  check(`${owner}: pod runAsNonRoot`, psc.runAsNonRoot === true);
  check(`${owner}: pod runAsUser/runAsGroup/fsGroup numeric 10001`, psc.runAsUser === 10001 && psc.runAsGroup === 10001 && psc.fsGroup === 10001);
  check(`${owner}: pod seccompProfile RuntimeDefault`, psc.seccompProfile?.type === "RuntimeDefault");
  check(`${owner}: automountServiceAccountToken false`, spec.automountServiceAccountToken === false);
  check(`${owner}: no host namespaces`, !spec.hostNetwork && !spec.hostPID && !spec.hostIPC);
  check(`${owner}: no hostPath volumes`, (spec.volumes || []).every((v) => !v.hostPath));
  const volumes = Object.fromEntries((spec.volumes || []).map((v) => [v.name, v]));
  for (const c of [...(spec.initContainers || []), ...spec.containers]) {
    const who = `${owner}/${c.name}`;
    const sc = c.securityContext || {};
    check(`${who}: allowPrivilegeEscalation false`, sc.allowPrivilegeEscalation === false);
    check(`${who}: capabilities drop ALL, add none`, eq(sc.capabilities?.drop, ["ALL"]) && !sc.capabilities?.add);
    check(`${who}: readOnlyRootFilesystem`, sc.readOnlyRootFilesystem === true);
    check(`${who}: not privileged, not root`, sc.privileged !== true && sc.runAsNonRoot !== false && sc.runAsUser !== 0);
    const r = c.resources || {};
    check(`${who}: memory limit == request`, !!r.limits?.memory && r.limits.memory === r.requests?.memory, JSON.stringify(r));
    check(`${who}: cpu request set`, !!r.requests?.cpu);
    const tmp = (c.volumeMounts || []).find((m) => m.mountPath === "/tmp");
    const tmpVol = tmp && volumes[tmp.name];
    check(`${who}: /tmp is an in-memory emptyDir with a size limit`, !!tmpVol?.emptyDir && tmpVol.emptyDir.medium === "Memory" && !!tmpVol.emptyDir.sizeLimit);
    check(`${who}: mounts other than /tmp are read-only`, (c.volumeMounts || []).every((m) => m.mountPath === "/tmp" || m.readOnly === true));
    check(`${who}: no subPath mounts (rotated Secrets and ConfigMaps update in place)`, (c.volumeMounts || []).every((m) => !m.subPath && !m.subPathExpr));
    for (const e of c.env || []) {
      if ("value" in e) {
        check(`${who}: env ${e.name} carries no inline credential`, !CREDENTIAL.test(e.value) && !/^ConnectionStrings__/.test(e.name), e.value);
      }
    }
    check(`${who}: no envFrom (every variable is explicit)`, !c.envFrom);
  }
}

function env(container) {
  return Object.fromEntries((container.env || []).map((e) => [e.name, e]));
}

function checkCase(name, values, docs, policyDir) {
  section = name;
  checkSchemas(docs);
  const byKind = (k) => docs.filter((d) => d.kind === k);
  const deployments = byKind("Deployment");
  if (!check("exactly one Deployment", deployments.length === 1)) return;
  const dep = deployments[0];
  const pod = dep.spec.template.spec;
  const podLabels = dep.spec.template.metadata.labels;
  const app = pod.containers.find((c) => c.name === "authz");
  const cerbos = pod.containers.find((c) => c.name === "cerbos");
  const e = env(app);
  const sidecar = values.cerbos.mode === "sidecar";

  for (const p of podSpecs(docs)) checkPod(p);
  check("no Secret objects are rendered (secrets are referenced, never carried)", byKind("Secret").length === 0);
  for (const cm of byKind("ConfigMap")) {
    const data = JSON.stringify(cm.data || {});
    check(`ConfigMap/${cm.metadata.name}: no inline credentials`, !/password\s*[:=]\s*(?!\$\{)[^\s"\\]+/i.test(data) && !/:\/\/[^/@\s"]+:[^/@\s"]+@/.test(data));
  }

  // Connection strings only from Secrets.
  check("ConnectionStrings__Postgres comes from secretKeyRef", eq(e.ConnectionStrings__Postgres?.valueFrom?.secretKeyRef, { name: values.database.connectionString.secretName, key: values.database.connectionString.key }));
  if (values.redis.enabled) check("ConnectionStrings__Redis comes from secretKeyRef", eq(e.ConnectionStrings__Redis?.valueFrom?.secretKeyRef, { name: values.redis.connectionString.secretName, key: values.redis.connectionString.key }));
  else check("no ConnectionStrings__Redis when Redis is disabled", !e.ConnectionStrings__Redis);
  // L2 values are signed (issue 11.5): the key comes from a Secret with Redis, never inline, never optional.
  if (values.redis.enabled) {
    const sk = values.redis.signingKey;
    check("Cache__SigningKey comes from secretKeyRef (required)", eq(e.Cache__SigningKey?.valueFrom?.secretKeyRef, { name: sk.secretName, key: sk.key }));
    check("Cache__PreviousSigningKey comes from an optional secretKeyRef when named", sk.previousKey
      ? eq(e.Cache__PreviousSigningKey?.valueFrom?.secretKeyRef, { name: sk.secretName, key: sk.previousKey, optional: true })
      : !e.Cache__PreviousSigningKey);
  } else check("no Cache__SigningKey when Redis is disabled", !e.Cache__SigningKey && !e.Cache__PreviousSigningKey);
  check("every secret-looking env var uses secretKeyRef", pod.containers.flatMap((c) => c.env || []).filter((v) => /^ConnectionStrings__|PASSWORD|SECRET|TOKEN|SigningKey/i.test(v.name)).every((v) => v.valueFrom?.secretKeyRef && !("value" in v)));

  // Listeners and probes.
  check("gRPC API listens with TLS on 50051", e.Kestrel__Endpoints__Grpc__Url?.value === "https://0.0.0.0:50051");
  // AuthZEN shares the gRPC listener's TLS; never plaintext, and only when asked for.
  check("AuthZEN listener only when enabled, https on service.authzenPort", values.service.authzenEnabled
    ? e.Kestrel__Endpoints__Http__Url?.value === `https://0.0.0.0:${values.service.authzenPort}`
    : !e.Kestrel__Endpoints__Http__Url);
  // AuthZEN action search reads the policies the Cerbos sidecar loads: the same volumes, read-only, nothing else.
  const policyMounts = (c) => (c?.volumeMounts || []).filter((m) => m.name.startsWith("policies-")).map((m) => [m.name, m.mountPath.replace(/^\/etc\/(authz|cerbos)\/policies/, ""), m.readOnly === true]);
  const actionSearch = values.service.authzenEnabled && sidecar && values.cerbos.policies.source === "configmap";
  check("AuthZEN action search: AuthZen__PolicyDirectory mounts the sidecar's policy volumes read-only (only with AuthZEN, sidecar and configmap policies)", actionSearch
    ? e.AuthZen__PolicyDirectory?.value === "/etc/authz/policies" && policyMounts(app).length > 0 && eq(policyMounts(app), policyMounts(cerbos)) && policyMounts(app).every((m) => m[2])
    : !e.AuthZen__PolicyDirectory && policyMounts(app).length === 0);
  check("health-only listener is http on 8081", e.Kestrel__Endpoints__Health__Url?.value === "http://0.0.0.0:8081");
  check("server certificate paths point into the server-tls mount", e.Kestrel__Endpoints__Grpc__Certificate__Path?.value?.startsWith(app.volumeMounts.find((m) => m.name === "server-tls").mountPath + "/") && !!e.Kestrel__Endpoints__Grpc__Certificate__KeyPath);
  check("caller CA configured", !!e.Auth__CallerCaCertificate?.value && app.volumeMounts.some((m) => e.Auth__CallerCaCertificate.value.startsWith(m.mountPath + "/")));
  for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) {
    const p = app[probe];
    check(`${probe} is gRPC on numeric port 8081`, p?.grpc?.port === 8081 && !p.httpGet && !p.tcpSocket && !p.exec);
  }
  check("container declares ports 50051 (grpc) and 8081 (health) (+ authzen when enabled)", eq(app.ports.map((p) => [p.name, p.containerPort]),
    [["grpc", 50051], ["health", 8081], ...(values.service.authzenEnabled ? [["authzen", values.service.authzenPort]] : [])]));
  check("ASPNETCORE_ENVIRONMENT is not Development", !!e.ASPNETCORE_ENVIRONMENT?.value && e.ASPNETCORE_ENVIRONMENT.value !== "Development");
  check("Cerbos TLS verification is on", e.Cerbos__Tls__Verify?.value === "true");
  check("Database__AutoMigrate follows values", e.Database__AutoMigrate?.value === String(values.config.database.autoMigrate));
  check("structured JSON logs by default", values.config.logFormat !== "json" || e.Logging__Console__FormatterName?.value === "json");
  values.auth.callers.forEach((c, i) => {
    check(`caller ${i} identity and services passed`, e[`Auth__Callers__${i}__Identity`]?.value === c.identity && c.services.every((s, j) => e[`Auth__Callers__${i}__Services__${j}`]?.value === s));
    const tenants = Object.keys(e).filter((k) => k.startsWith(`Auth__Callers__${i}__Tenants__`));
    check(`caller ${i} tenants passed (none = any tenant)`, tenants.length === (c.tenants ?? []).length && (c.tenants ?? []).every((t, j) => e[`Auth__Callers__${i}__Tenants__${j}`]?.value === t));
    check(`caller ${i} includeMeta passed when set`, c.includeMeta === undefined ? !e[`Auth__Callers__${i}__IncludeMeta`] : e[`Auth__Callers__${i}__IncludeMeta`]?.value === String(c.includeMeta));
  });
  check("telemetry endpoint only when set", values.config.telemetry.otlpEndpoint ? e.Telemetry__OtlpEndpoint?.value === values.config.telemetry.otlpEndpoint : !e.Telemetry__OtlpEndpoint);

  // Images.
  const expectImage = (img) => (img.digest ? `${img.repository}@${img.digest}` : `${img.repository}:${img.tag}`);
  const appImage = expectImage({ ...values.image, tag: values.image.tag || "0.1.0" });
  check("image is repository@digest when a digest is given, else repository:tag", app.image === appImage, app.image);
  if (values.image.digest) check("image pinned by sha256 digest", /@sha256:[a-f0-9]{64}$/.test(app.image));

  // Topology spread.
  const tsc = pod.topologySpreadConstraints || [];
  for (const key of ["kubernetes.io/hostname", "topology.kubernetes.io/zone"]) {
    const c = tsc.find((t) => t.topologyKey === key);
    check(`topology spread across ${key} selecting the pods`, !!c && Object.entries(c.labelSelector.matchLabels).every(([k, v]) => podLabels[k] === v));
  }
  check("hostname spread is hard by default", values.topologySpread.hostWhenUnsatisfiable !== "DoNotSchedule" || tsc[0]?.whenUnsatisfiable === "DoNotSchedule");

  // Cerbos: sidecar or external.
  if (sidecar) {
    if (check("Cerbos sidecar present", !!cerbos)) {
      check("Cerbos address is loopback with TLS", e.Cerbos__Address?.value === "https://127.0.0.1:3593");
      check("Cerbos sidecar image is repository@digest when a digest is given", cerbos.image === expectImage(values.cerbos.image), cerbos.image);
      for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) check(`Cerbos ${probe} runs cerbos healthcheck`, eq(cerbos[probe]?.exec?.command?.slice(0, 2), ["/cerbos", "healthcheck"]));
      const cm = byKind("ConfigMap").find((c) => c.metadata.name === pod.volumes.find((v) => v.name === "cerbos-config")?.configMap?.name);
      if (check("Cerbos config ConfigMap is mounted", !!cm)) {
        const conf = yaml.load(cm.data["config.yaml"]);
        check("Cerbos gRPC listens on loopback only", conf.server.grpcListenAddr === "127.0.0.1:3593");
        check("Cerbos HTTP on loopback unless metrics are scraped", values.serviceMonitor.enabled ? conf.server.httpListenAddr === ":3592" : conf.server.httpListenAddr === "127.0.0.1:3592");
        check("Cerbos serves mTLS (cert, key, client CA)", !!conf.server.tls?.cert && !!conf.server.tls?.key && !!conf.server.tls?.caCert);
        const tlsMount = cerbos.volumeMounts.find((m) => m.name === "cerbos-server-tls")?.mountPath;
        check("Cerbos TLS files live in the mounted Secret", [conf.server.tls.cert, conf.server.tls.key, conf.server.tls.caCert].every((f) => f.startsWith(tlsMount + "/")));
        if (values.cerbos.policyWatch.enabled) check("Cerbos metrics on for the policy watch", conf.server.metricsEnabled === true);
        check("Cerbos telemetry off", conf.telemetry?.disabled === true && env(cerbos).CERBOS_NO_TELEMETRY?.value === "1");
        // The policies rely on both (schemas written to reject; scoped tenants without an override fall back).
        check("Cerbos schema.enforcement is reject", conf.schema?.enforcement === "reject", JSON.stringify(conf.schema));
        check("Cerbos engine.lenientScopeSearch is true", conf.engine?.lenientScopeSearch === true, JSON.stringify(conf.engine));
        check("Cerbos engine.defaultPolicyVersion from values", conf.engine?.defaultPolicyVersion === values.cerbos.defaultPolicyVersion);
        check("Cerbos config holds every setting of files/cerbos-base.yaml (the one source make run and the tests use)", containsAll(conf, cerbosBase), JSON.stringify(cerbosBase));
        check("Cerbos storage driver matches cerbos.policies.source", conf.storage.driver === (values.cerbos.policies.source === "git" ? "git" : "disk"));
        if (values.cerbos.policies.source === "git") {
          check("git checkout goes to the writable /tmp", conf.storage.git.checkoutDir.startsWith("/tmp/"));
          check("git url/branch from values", conf.storage.git.url === values.cerbos.policies.git.url && conf.storage.git.branch === values.cerbos.policies.git.branch);
          if (values.cerbos.policies.git.credentials.secretName) {
            check("git credentials are env placeholders filled from a Secret", conf.storage.git.https?.password === "${CERBOS_GIT_PASSWORD}" && env(cerbos).CERBOS_GIT_PASSWORD?.valueFrom?.secretKeyRef?.name === values.cerbos.policies.git.credentials.secretName);
          }
        }
      }
    }
  } else {
    check("no Cerbos sidecar in external mode", !cerbos);
    check("Cerbos address is the external address", e.Cerbos__Address?.value === values.cerbos.external.address && values.cerbos.external.address.startsWith("https://"));
    const caVol = pod.volumes.find((v) => v.name === "cerbos-ca");
    if (values.cerbos.external.caSecret.secretName) check("external Cerbos CA from cerbos.external.caSecret", caVol?.secret?.secretName === values.cerbos.external.caSecret.secretName && caVol.secret.items[0].key === values.cerbos.external.caSecret.key);
    check("no policy ConfigMap in external mode", !byKind("ConfigMap").some((c) => c.metadata.name.includes("-policies")));
  }
  check("Cerbos client certificate and CA configured", ["Cerbos__Tls__CaCertificate", "Cerbos__Tls__ClientCertificate", "Cerbos__Tls__ClientKey"].every((k) => app.volumeMounts.some((m) => e[k]?.value?.startsWith(m.mountPath + "/"))));

  // Policy watch (issue 11.4): the cache follows policies Cerbos reloads by itself (git, external).
  if (values.cerbos.policyWatch.enabled) {
    const watched = sidecar ? "https://127.0.0.1:3592" : values.cerbos.external.httpAddress;
    check("policy watch reads Cerbos's HTTP listener", e.Cerbos__PolicyWatch__Address?.value === watched && watched.startsWith("https://"), e.Cerbos__PolicyWatch__Address?.value);
    check("policy watch interval and unconfirmed TTL from the values", e.Cerbos__PolicyWatch__Interval?.value === values.cerbos.policyWatch.interval && e.Cerbos__PolicyWatch__UnconfirmedTtl?.value === values.cerbos.policyWatch.unconfirmedTtl);
  } else {
    check("no policy watch when cerbos.policyWatch.enabled is false", !e.Cerbos__PolicyWatch__Address);
  }

  // Policies and the cache revision.
  const rev = e.Cache__PolicyRevision?.value;
  check("Cache__PolicyRevision is set", !!rev);
  check("pod annotation checksum/policies equals Cache__PolicyRevision (a policy change rolls the pods)", dep.spec.template.metadata.annotations["checksum/policies"] === rev);
  check("pod annotation checksum/cerbos-config present", /^[a-f0-9]{64}$/.test(dep.spec.template.metadata.annotations["checksum/cerbos-config"] || ""));
  if (sidecar && values.cerbos.policies.source === "configmap" && !values.cerbos.policies.revision) {
    check("Cache__PolicyRevision is the sha256 of the policy files (independent recomputation)", rev === `sha256:${policyChecksum(policyDir).slice(0, 16)}`, rev);
    const pcm = byKind("ConfigMap").find((c) => c.metadata.name.includes("-policies-"));
    if (check("policy ConfigMap rendered", !!pcm)) {
      check("policy ConfigMap is immutable and named by the policy revision", pcm.immutable === true && pcm.metadata.name.endsWith(policyChecksum(policyDir).slice(0, 10)));
      check("policy ConfigMap fits the 1 MiB object limit", Buffer.byteLength(JSON.stringify(pcm.data)) < 1024 * 1024 - 4096);
      const expected = policyFiles(policyDir);
      check("policy ConfigMap holds every policy file and no policy tests", eq(Object.keys(pcm.data).length, expected.length) && Object.values(pcm.data).every((v) => expected.some((f) => readFileSync(path.join(policyDir, f), "utf8") === v)));
      checkCerbosView(pod, cerbos, pcm, policyDir);
    }
  }
  if (values.cerbos.policies.revision) check("explicit cerbos.policies.revision wins", rev === values.cerbos.policies.revision);

  // Certificates.
  const certs = byKind("Certificate");
  const secretOf = (vol) => pod.volumes.find((v) => v.name === vol)?.secret?.secretName;
  if (values.certManager.enabled) {
    const want = sidecar ? 3 : 2;
    check(`cert-manager Certificates rendered (${want})`, certs.length === want, String(certs.length));
    for (const c of certs) {
      check(`Certificate/${c.metadata.name}: issuerRef from values`, eq(c.spec.issuerRef, c.metadata.name.endsWith("cerbos-client") && !sidecar && values.cerbos.external.clientIssuerRef.name ? values.cerbos.external.clientIssuerRef : values.certManager.issuerRef));
      check(`Certificate/${c.metadata.name}: private key rotated on renewal`, c.spec.privateKey?.rotationPolicy === "Always");
      check(`Certificate/${c.metadata.name}: renews before expiry`, !!c.spec.renewBefore && !!c.spec.duration);
    }
    const server = certs.find((c) => c.metadata.name.endsWith("-server") && !c.metadata.name.includes("cerbos"));
    check("server Certificate writes the Secret the server mounts", server?.spec.secretName === secretOf("server-tls") && server.spec.usages.includes("server auth"));
    check("server Certificate names the Service", server?.spec.dnsNames.includes(`${dep.metadata.name}.authz.svc`));
    const client = certs.find((c) => c.metadata.name.endsWith("cerbos-client"));
    check("Cerbos client Certificate writes the Secret the server mounts", client?.spec.secretName === secretOf("cerbos-client-tls") && client.spec.usages.includes("client auth"));
    if (sidecar) {
      const cs = certs.find((c) => c.metadata.name.endsWith("cerbos-server"));
      check("Cerbos server Certificate writes the Secret the sidecar mounts, for loopback", cs?.spec.secretName === secretOf("cerbos-server-tls") && eq(cs.spec.ipAddresses, ["127.0.0.1"]));
    }
  } else {
    check("no Certificates without cert-manager", certs.length === 0);
    if (values.tls.server.secretName) check("existing server Secret mounted", secretOf("server-tls") === values.tls.server.secretName);
    if (values.tls.cerbosClient.secretName) check("existing Cerbos client Secret mounted", secretOf("cerbos-client-tls") === values.tls.cerbosClient.secretName);
    if (sidecar && values.tls.cerbosServer.secretName) check("existing Cerbos server Secret mounted", secretOf("cerbos-server-tls") === values.tls.cerbosServer.secretName);
  }
  if (values.auth.callerCa.secretName) check("caller CA from auth.callerCa", secretOf("caller-ca") === values.auth.callerCa.secretName);
  check("certificates are not part of the pod checksum (rotation needs no restart)", !Object.keys(dep.spec.template.metadata.annotations).some((k) => /cert|tls/i.test(k)));

  // Availability.
  const pdb = byKind("PodDisruptionBudget");
  if (values.podDisruptionBudget.enabled) check("PodDisruptionBudget selects the pods", pdb.length === 1 && Object.entries(pdb[0].spec.selector.matchLabels).every(([k, v]) => podLabels[k] === v) && pdb[0].spec.maxUnavailable >= 1);
  const hpa = byKind("HorizontalPodAutoscaler");
  if (values.autoscaling.enabled) {
    check("HPA autoscaling/v2 targets the Deployment on CPU", hpa.length === 1 && hpa[0].apiVersion === "autoscaling/v2" && hpa[0].spec.scaleTargetRef.name === dep.metadata.name && hpa[0].spec.metrics.some((m) => m.resource?.name === "cpu" && m.resource.target.type === "Utilization"));
    check("Deployment leaves replicas to the HPA", dep.spec.replicas === undefined);
    check("HPA keeps at least 2 replicas", hpa[0]?.spec.minReplicas >= 2);
  }
  check("rolling update never drops below the desired count", dep.spec.strategy.rollingUpdate.maxUnavailable === 0);

  // Service.
  const svc = byKind("Service").find((s) => s.metadata.name === dep.metadata.name);
  check("Service exposes 50051 -> grpc and selects the pods", !!svc && svc.spec.ports[0].port === values.service.port && svc.spec.ports[0].targetPort === "grpc" && Object.entries(svc.spec.selector).every(([k, v]) => podLabels[k] === v));
  check("Service does not expose the health port", byKind("Service").every((s) => s.spec.ports.every((p) => p.port !== 8081 && p.targetPort !== "health")));
  for (const sa of byKind("ServiceAccount")) check(`ServiceAccount/${sa.metadata.name}: automountServiceAccountToken false`, sa.automountServiceAccountToken === false);
  check("Deployment uses the chart's ServiceAccount", byKind("ServiceAccount").some((s) => s.metadata.name === pod.serviceAccountName));

  // Migration hook.
  const jobs = byKind("Job");
  if (values.migrations.enabled) {
    const job = jobs[0];
    if (check("migration Job rendered", jobs.length === 1)) {
      const hook = job.metadata.annotations?.["helm.sh/hook"] || "";
      check("migration Job is a pre-install,pre-upgrade hook", hook.split(",").includes("pre-install") && hook.split(",").includes("pre-upgrade"));
      const mc = job.spec.template.spec.containers[0];
      check("migration Job runs the migrate subcommand of the same image", eq(mc.args, ["migrate"]) && !mc.command && mc.image === app.image);
      check("migration Job gets the connection string from the Secret", eq(env(mc).ConnectionStrings__Postgres?.valueFrom?.secretKeyRef, e.ConnectionStrings__Postgres.valueFrom.secretKeyRef));
      check("migration Job does not retry forever", job.spec.backoffLimit <= 10 && job.spec.activeDeadlineSeconds > 0 && job.spec.template.spec.restartPolicy === "Never");
      const sa = docs.find((d) => d.kind === "ServiceAccount" && d.metadata.name === job.spec.template.spec.serviceAccountName);
      check("migration Job's ServiceAccount is a hook created before it", !!sa && Number(sa.metadata.annotations?.["helm.sh/hook-weight"]) < Number(job.metadata.annotations["helm.sh/hook-weight"]));
    }
  } else check("no migration Job when disabled", jobs.length === 0);

  // NetworkPolicies.
  if (values.networkPolicy.enabled) checkNetworkPolicies(values, docs, dep, jobs);

  // ServiceMonitor.
  const sms = byKind("ServiceMonitor");
  if (values.serviceMonitor.enabled) check("ServiceMonitor scrapes /_cerbos/metrics over verified TLS", sms.length === 1 && sms[0].spec.endpoints[0].scheme === "https" && !sms[0].spec.endpoints[0].tlsConfig.insecureSkipVerify && !!sms[0].spec.endpoints[0].tlsConfig.ca);
  else check("no ServiceMonitor unless enabled", sms.length === 0);
}

function selects(np, labels) {
  return Object.entries(np.spec.podSelector.matchLabels || {}).every(([k, v]) => labels[k] === v) && Object.keys(np.spec.podSelector.matchLabels || {}).length > 0;
}
function portSig(rule) {
  return (rule.ports || []).map((p) => `${p.protocol || "TCP"}/${p.port}`).sort().join(",");
}

function checkNetworkPolicies(values, docs, dep, jobs) {
  const nps = docs.filter((d) => d.kind === "NetworkPolicy");
  const podLabels = dep.spec.template.metadata.labels;
  const server = nps.filter((np) => selects(np, podLabels));
  if (!check("exactly one NetworkPolicy selects the server pods", server.length === 1)) return;
  const np = server[0];
  check("server NetworkPolicy restricts ingress and egress", eq([...np.spec.policyTypes].sort(), ["Egress", "Ingress"]));
  const eg = values.networkPolicy.egress;
  // Ingress: exactly the callers to 50051 (+ Prometheus to 3592 when scraping).
  const ingress = np.spec.ingress || [];
  const callers = ingress[0];
  check("ingress rule 1: only the caller selector", callers?.from?.length === 1 && eq(callers.from[0].podSelector, values.networkPolicy.callerPodSelector) && eq(callers.from[0].namespaceSelector, values.networkPolicy.callerNamespaceSelector) && !callers.from[0].ipBlock);
  check("ingress rule 1: only TCP 50051 (+ the AuthZEN port when enabled)", portSig(callers || {}) === ["TCP/50051", ...(values.service.authzenEnabled ? [`TCP/${values.service.authzenPort}`] : [])].sort().join(","));
  check("ingress rules: exactly the expected ones", ingress.length === (values.serviceMonitor.enabled ? 2 : 1));
  if (values.serviceMonitor.enabled) check("ingress rule 2: Prometheus namespace to 3592 only", portSig(ingress[1]) === "TCP/3592" && eq(ingress[1].from, [{ namespaceSelector: values.serviceMonitor.prometheusNamespaceSelector }]));
  check("every ingress rule names sources and ports", ingress.every((r) => r.from?.length > 0 && r.ports?.length > 0));
  // Egress: exactly DNS, PostgreSQL and whatever the values switch on.
  const expected = [["dns", `TCP/${eg.dns.port},UDP/${eg.dns.port}`, eg.dns.to], ["postgres", `TCP/${eg.postgres.port}`, eg.postgres.to]];
  if (values.redis.enabled) expected.push(["redis", `TCP/${eg.redis.port}`, eg.redis.to]);
  if (values.cerbos.mode === "external") {
    // The policy watch reads the external Cerbos's metrics on the port of cerbos.external.httpAddress.
    const watchPort = values.cerbos.policyWatch.enabled ? (new URL(values.cerbos.external.httpAddress).port || "443") : null;
    const cerbosPorts = [eg.cerbos.port, watchPort].filter((p) => p !== null).map((p) => `TCP/${p}`).sort().join(",");
    expected.push(["cerbos", cerbosPorts, eg.cerbos.to]);
  }
  if (values.cerbos.mode === "sidecar" && values.cerbos.policies.source === "git") expected.push(["git", `TCP/${eg.git.port}`, eg.git.to]);
  if (values.config.telemetry.otlpEndpoint) expected.push(["otlp", `TCP/${eg.otlp.port}`, eg.otlp.to]);
  const egress = np.spec.egress || [];
  check(`egress: exactly ${expected.map((x) => x[0]).join("/")}`, egress.length === expected.length, `${egress.length} rules`);
  for (const [what, ports, to] of expected) {
    check(`egress to ${what}: ports ${ports} and the configured peers only`, egress.some((r) => portSig(r) === ports && eq(r.to, to)));
  }
  check("every egress rule names destinations and ports (no allow-all)", egress.every((r) => r.to?.length > 0 && r.ports?.length > 0));
  // Migration pods: their own policy, DNS + PostgreSQL only, no ingress.
  for (const job of jobs) {
    const labels = job.spec.template.metadata.labels;
    const mine = nps.filter((n) => selects(n, labels));
    if (check("exactly one NetworkPolicy selects the migration pods", mine.length === 1)) {
      const m = mine[0];
      check("migration NetworkPolicy: no ingress at all", m.spec.policyTypes.includes("Ingress") && !(m.spec.ingress || []).length);
      check("migration NetworkPolicy: egress to DNS and PostgreSQL only", (m.spec.egress || []).length === 2 && m.spec.egress.some((r) => eq(r.to, eg.postgres.to) && portSig(r) === `TCP/${eg.postgres.port}`) && m.spec.egress.some((r) => eq(r.to, eg.dns.to)));
      check("migration NetworkPolicy is a hook created before the Job", Number(m.metadata.annotations?.["helm.sh/hook-weight"]) < Number(job.metadata.annotations["helm.sh/hook-weight"]));
    }
  }
  check("server NetworkPolicy does not select migration pods", jobs.every((j) => !selects(np, j.spec.template.metadata.labels)));
}

// ---------------------------------------------------------------- policies
function policyFiles(dir) {
  const out = [];
  const walk = (rel) => {
    for (const ent of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${ent.name}` : ent.name;
      if (ent.isDirectory()) walk(r);
      else if (/\.(ya?ml|json)$/.test(r) && !r.split("/").some((s) => s === "tests" || s === "testdata") && !/_test\.(ya?ml|json)$/.test(r)) out.push(r);
    }
  };
  walk("");
  return out.sort();
}
function policyChecksum(dir) {
  return sha256(policyFiles(dir).map((f) => `${f}\n${sha256(readFileSync(path.join(dir, f)))}\n`).join(""));
}

// Rebuild the directory tree Cerbos sees from the rendered volumes and mounts, then let
// the real Cerbos compile it: proves the ConfigMap layout yields a loadable policy set.
// files/cerbos-base.yaml as committed: the settings every Cerbos we run must carry.
const cerbosBase = yaml.load(readFileSync(path.join(chart, "files", "cerbos-base.yaml"), "utf8"));

/** True when every leaf of `want` is present with the same value in `have`. */
function containsAll(have, want) {
  if (want === null || typeof want !== "object") return have === want;
  return have !== null && typeof have === "object" && Object.entries(want).every(([k, v]) => containsAll(have[k], v));
}

function checkCerbosView(pod, cerbos, pcm, policyDir) {
  const root = path.join(work, "cerbos-view");
  rmSync(root, { recursive: true, force: true });
  let files = 0;
  for (const m of cerbos.volumeMounts.filter((m) => m.mountPath.startsWith("/etc/cerbos/policies/"))) {
    const vol = pod.volumes.find((v) => v.name === m.name);
    const dir = path.join(root, m.mountPath.slice("/etc/cerbos/policies/".length));
    mkdirSync(dir, { recursive: true });
    for (const it of vol.configMap.items) {
      writeFileSync(path.join(dir, it.path), pcm.data[it.key]);
      files++;
    }
  }
  check("policy mounts place every ConfigMap key exactly once", files === Object.keys(pcm.data).length);
  check("policy mount points are not nested in each other", cerbos.volumeMounts.filter((m) => m.mountPath.startsWith("/etc/cerbos/policies/")).every((m, _, all) => all.every((o) => o === m || !o.mountPath.startsWith(m.mountPath + "/"))));
  attempt("real Cerbos compiles the policy tree the pod would see", () => {
    execFileSync(cerbosBin, ["compile", "--skip-tests", root], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  });
  void policyDir;
}

// ---------------------------------------------------------------- values.schema.json
function checkValuesSchema(chartDir) {
  section = "values.schema.json";
  const schemaText = readFileSync(path.join(chartDir, "values.schema.json"), "utf8");
  const schema = JSON.parse(schemaText);
  attempt("schema is up to date with helm/tools/schema/gen_schema.py", () => {
    const tmp = path.join(work, "schema.json");
    execFileSync(python, [schemaGen, tmp]);
    if (readFileSync(tmp, "utf8") !== schemaText) throw new Error("regenerate: python3 helm/tools/schema/gen_schema.py helm/authz-service/values.schema.json");
  });
  check("schema declares draft-07", schema.$schema === "http://json-schema.org/draft-07/schema#");
  const objectsWithoutAP = [];
  const walk = (s, at) => {
    if (!s || typeof s !== "object") return;
    if (s.type === "object" && !("additionalProperties" in s)) objectsWithoutAP.push(at);
    if (s.$ref && Object.keys(s).some((k) => !["$ref"].includes(k))) objectsWithoutAP.push(`${at} ($ref with siblings: ignored by draft-07)`);
    for (const [k, v] of Object.entries(s)) if (typeof v === "object") walk(v, `${at}/${k}`);
  };
  walk(schema, "#");
  check("every object schema sets additionalProperties", objectsWithoutAP.length === 0, objectsWithoutAP.join(", "));
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
  const validate = ajv.compile(schema);
  const good = [null, ...readdirSync(path.join(chartDir, "examples")).filter((f) => f.endsWith(".yaml")).map((f) => path.join(chartDir, "examples", f))];
  for (const f of good) {
    const values = mergedValues(chartDir, f ? [f] : []);
    check(`accepts ${f ? path.basename(f) : "values.yaml"}`, validate(values), ajv.errorsText(validate.errors));
  }
  const badDir = path.join(chartDir, "tests", "bad-values");
  for (const f of readdirSync(badDir).filter((x) => x.endsWith(".yaml")).sort()) {
    const text = readFileSync(path.join(badDir, f), "utf8");
    const want = /^# expect: (\S+) (\S+)/m.exec(text);
    if (want && want[1] === "/") want[1] = "";
    if (!check(`${f}: declares "# expect: <path> <keyword>"`, !!want)) continue;
    const values = mergedValues(chartDir, [path.join(badDir, f)]);
    const ok = validate(values);
    const errors = validate.errors || [];
    check(`rejects ${f} at ${want[1]} (${want[2]})`, !ok && errors.some((er) => er.instancePath === want[1] && er.keyword === want[2]), ok ? "accepted" : errors.map((er) => `${er.instancePath} ${er.keyword}`).join("; "));
  }
}

// ---------------------------------------------------------------- Dockerfile
// The image cannot be built here; these read it and tie it to what the chart assumes.
function checkDockerfile(repo) {
  section = "Dockerfile";
  const df = readFileSync(path.join(repo, "Dockerfile"), "utf8").replace(/\\\n/g, " ");
  const lines = df.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  const froms = lines.filter((l) => /^FROM /i.test(l));
  check("multi-stage: SDK build stage", froms.some((l) => /mcr\.microsoft\.com\/dotnet\/sdk:\$\{DOTNET_VERSION\}|mcr\.microsoft\.com\/dotnet\/sdk:10\.0/.test(l)));
  const last = froms[froms.length - 1] || "";
  check("runtime stage is the ASP.NET Core 10 runtime (chiseled)", /mcr\.microsoft\.com\/dotnet\/aspnet:(\$\{DOTNET_VERSION\}|10\.0)-noble-chiseled/.test(last));
  check("base images pinned by digest (scripts/gates/dockerfile-pins.py has the details)", froms.length > 0 && froms.every((l) => /@sha256:[0-9a-f]{64}\b/.test(l) || !/[\/:]/.test(l.split(/\s+/)[1])));
  const runtime = lines.slice(lines.indexOf(last));
  const user = runtime.filter((l) => /^USER /i.test(l)).pop();
  check("runs as numeric non-root USER 10001:10001 (the chart's runAsUser/runAsGroup)", user === "USER 10001:10001");
  check("no HEALTHCHECK (health is gRPC on 8081)", !lines.some((l) => /^HEALTHCHECK/i.test(l)));
  check("EXPOSE 50051 8081", runtime.some((l) => /^EXPOSE\s+50051\s+8081$/.test(l)));
  check("ENTRYPOINT dotnet AuthzService.Api.dll (the Job appends `migrate`)", runtime.some((l) => l === 'ENTRYPOINT ["dotnet", "AuthzService.Api.dll"]'));
  const envLine = runtime.filter((l) => /^ENV /.test(l)).join(" ");
  check("ENV sets the gRPC and health listeners", envLine.includes("Kestrel__Endpoints__Grpc__Url=https://0.0.0.0:50051") && envLine.includes("Kestrel__Endpoints__Health__Url=http://0.0.0.0:8081"));
  check("ENV switches off the base image's 8080 listener", /ASPNETCORE_HTTP_PORTS=(\s|$)/.test(envLine));
  check("publishes src/AuthzService.Api", /dotnet publish src\/AuthzService\.Api\/AuthzService\.Api\.csproj/.test(df));
  const ignore = readFileSync(path.join(repo, ".dockerignore"), "utf8").split("\n").map((l) => l.trim());
  check(".dockerignore keeps out bin/ obj/ .tools/ .git (allow-list)", ignore.includes("*") && ignore.includes("**/bin/") && ignore.includes("**/obj/") && !ignore.includes("!.git") && !ignore.includes("!.tools/"));
}

// ---------------------------------------------------------------- main
process.on("uncaughtException", (e) => {
  check("checker ran to the end", false, e.stack);
  console.log(`helm checks: ${passed} passed, ${failed} failed`);
  process.exit(1);
});
mkdirSync(work, { recursive: true });
checkValuesSchema(chart);
if (args.repo) {
  checkDockerfile(args.repo);
  section = "docs";
  attempt("values.yaml: every key documented, and the values table of docs/deploy.md is current", () => {
    execFileSync(python, [path.join(toolsDir, "docs", "values_table.py"), path.join(chart, "values.yaml"), "--check", path.join(args.repo, "docs", "deploy.md")], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  });
}

const cases = [["values.yaml (defaults)", []], ...readdirSync(path.join(chart, "examples")).filter((f) => f.endsWith(".yaml")).sort().map((f) => [`examples/${f}`, [path.join(chart, "examples", f)]])];
for (const [name, files] of cases) {
  section = name;
  let out;
  if (!attempt("renders", () => (out = render(chart, files)))) continue;
  writeFileSync(path.join(work, name.replace(/[^a-z0-9.]+/gi, "_") + ".rendered.yaml"), out.text);
  checkCase(name, mergedValues(chart, files), out.docs, path.join(chart, "files", "policies"));
}

// A policy change must start a new cache generation; a policy *test* change must not.
section = "policy revision";
{
  const copy = path.join(work, "chart-copy");
  rmSync(copy, { recursive: true, force: true });
  cpSync(chart, copy, { recursive: true });
  const revOf = (dir) => {
    const { docs } = render(dir, []);
    const dep = docs.find((d) => d.kind === "Deployment");
    return {
      rev: env(dep.spec.template.spec.containers[0]).Cache__PolicyRevision.value,
      cm: docs.find((d) => d.kind === "ConfigMap" && d.metadata.name.includes("-policies-")).metadata.name,
    };
  };
  const before = revOf(copy);
  const testDir = path.join(copy, "files", "policies", "tests");
  mkdirSync(testDir, { recursive: true });
  writeFileSync(path.join(testDir, "extra_test.yaml"), "name: Extra\n");
  const afterTest = revOf(copy);
  check("adding a policy test leaves Cache__PolicyRevision unchanged", afterTest.rev === before.rev);
  const all = policyFiles(path.join(copy, "files", "policies"));
  const policy = all.find((f) => f.startsWith("resource_policies/")) || all[0];
  appendFileSync(path.join(copy, "files", "policies", policy), "# changed\n");
  const afterPolicy = revOf(copy);
  check("changing a policy file changes Cache__PolicyRevision", afterPolicy.rev !== before.rev && /^sha256:[a-f0-9]{16}$/.test(afterPolicy.rev), `${before.rev} -> ${afterPolicy.rev}`);
  check("changing a policy file renames the policy ConfigMap", afterPolicy.cm !== before.cm);
  rmSync(path.join(copy, "files", "policies"), { recursive: true, force: true });
  let err = "";
  try {
    render(copy, []);
  } catch (e) {
    err = String(e.stderr || e.message);
  }
  check("rendering without policies fails and says to run make helm-policies", err.includes("make helm-policies"), err.slice(0, 200));
  // Template-level guards that the schema cannot express.
  const bad = path.join(work, "bad-render.yaml");
  writeFileSync(bad, "autoscaling:\n  minReplicas: 9\n  maxReplicas: 3\n");
  err = "";
  try {
    render(chart, [bad]);
  } catch (e) {
    err = String(e.stderr || e.message);
  }
  check("HPA minReplicas > maxReplicas fails the render", err.includes("minReplicas must not exceed"));
}

// ---------------------------------------------------------------- self-test
// Each mutation breaks one property in a copy of the chart; the checks above must
// notice. Guards against checks that can never fail.
section = "checker self-test";
{
  const withMeta = (f) => (f ? [path.join(chart, "examples", f)] : []);
  const mutations = [
    ["_helpers.tpl", "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false", "readOnlyRootFilesystem"],
    ["_helpers.tpl", "readOnlyRootFilesystem: true", "readOnlyRootFileSystem: true", "no unknown fields"],
    ["_helpers.tpl", "allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true", "allowPrivilegeEscalation false"],
    ["_helpers.tpl", "  drop:\n    - ALL", "  drop:\n    - NET_RAW", "capabilities drop ALL"],
    ["_helpers.tpl", "runAsNonRoot: true\nrunAsUser: 10001\nrunAsGroup: 10001\nfsGroup: 10001", "runAsNonRoot: true\nrunAsUser: 0\nrunAsGroup: 10001\nfsGroup: 10001", "runAsUser/runAsGroup/fsGroup"],
    ["_helpers.tpl", "seccompProfile:\n  type: RuntimeDefault\n{{- end -}}", "seccompProfile:\n  type: Unconfined\n{{- end -}}", "pod seccompProfile RuntimeDefault"],
    ["_helpers.tpl", "  memory: {{ .memory | quote }}\n{{- end -}}", "  memory: 2Gi\n{{- end -}}", "memory limit == request"],
    ["deployment.yaml", "automountServiceAccountToken: false", "automountServiceAccountToken: true", "automountServiceAccountToken false"],
    ["deployment.yaml", "            medium: Memory\n            sizeLimit: {{ .Values.tmpSizeLimit }}", "            sizeLimit: {{ .Values.tmpSizeLimit }}", "/tmp is an in-memory emptyDir"],
    ["deployment.yaml", "topologyKey: topology.kubernetes.io/zone", "topologyKey: kubernetes.io/hostname", "topology spread across topology.kubernetes.io/zone"],
    ["deployment.yaml", "            grpc:\n              port: 8081\n              service: {{ .Values.probes.livenessService | quote }}", "            tcpSocket:\n              port: 8081", "livenessProbe is gRPC"],
    ["deployment.yaml", "              mountPath: /etc/authz/tls/server\n", "              mountPath: /etc/authz/tls/server\n              subPath: tls.crt\n", "no subPath mounts"],
    ["_env.tpl", "- name: ConnectionStrings__Postgres\n  valueFrom:\n    secretKeyRef:\n      name: {{ .Values.database.connectionString.secretName }}\n      key: {{ .Values.database.connectionString.key }}", "- name: ConnectionStrings__Postgres\n  value: \"Host=pg;Password=hunter2\"", "ConnectionStrings__Postgres comes from secretKeyRef"],
    ["_env.tpl", "- name: Cache__SigningKey\n  valueFrom:\n    secretKeyRef:\n      name: {{ .Values.redis.signingKey.secretName }}\n      key: {{ .Values.redis.signingKey.key }}", "- name: Cache__SigningKey\n  value: \"c2VjcmV0LWtleS1zZWNyZXQta2V5LXNlY3JldC1rZXktMDA=\"", "Cache__SigningKey comes from secretKeyRef", "cert-manager-sidecar.yaml"],
    ["_env.tpl", "      key: {{ .Values.redis.signingKey.previousKey }}\n      optional: true", "      key: {{ .Values.redis.signingKey.key }}\n      optional: true", "Cache__PreviousSigningKey comes from an optional secretKeyRef", "cert-manager-sidecar.yaml"],
    ["_env.tpl", "- name: Cerbos__Tls__Verify\n  value: \"true\"", "- name: Cerbos__Tls__Verify\n  value: \"false\"", "Cerbos TLS verification is on"],
    ["_env.tpl", "  value: {{ include \"authz.policyRevision\" . | quote }}", "  value: \"static\"", "Cache__PolicyRevision is the sha256"],
    ["networkpolicy.yaml", "        - port: 50051\n          protocol: TCP", "        - port: 50051\n          protocol: TCP\n        - port: 8081\n          protocol: TCP", "only TCP 50051"],
    ["networkpolicy.yaml", "    - to:\n        {{- include \"authz.peers\" $eg.postgres.to | nindent 8 }}", "    - to: []", "egress to postgres"],
    ["networkpolicy.yaml", "  egress:\n", "  egress:\n    - {}\n", "egress: exactly"],
    ["job-migrate.yaml", "    helm.sh/hook: pre-install,pre-upgrade\n    helm.sh/hook-weight: \"0\"", "    helm.sh/hook: post-install\n    helm.sh/hook-weight: \"0\"", "pre-install,pre-upgrade hook"],
    ["pdb.yaml", "{{- if .Values.podDisruptionBudget.enabled -}}", "{{- if false -}}", "PodDisruptionBudget selects the pods"],
    ["hpa.yaml", "{{- if .Values.autoscaling.enabled -}}", "{{- if false -}}", "HPA autoscaling/v2"],
    ["_helpers.tpl", "{{- if .Values.image.digest -}}", "{{- if false -}}", "image is repository@digest", "cert-manager-sidecar.yaml"],
    ["certificates.yaml", "  secretName: {{ include \"authz.serverTlsSecret\" . }}", "  secretName: other-tls", "server Certificate writes the Secret", "cert-manager-sidecar.yaml"],
    ["configmap-cerbos.yaml", "grpcListenAddr: \"127.0.0.1:3593\"", "grpcListenAddr: \":3593\"", "Cerbos gRPC listens on loopback"],
    ["configmap-cerbos.yaml", "{{- toYaml (omit $base \"engine\") | nindent 4 }}", "", "Cerbos schema.enforcement is reject"],
    ["configmap-cerbos.yaml", "\"defaultPolicyVersion\" .Values.cerbos.defaultPolicyVersion) $base.engine)", "\"defaultPolicyVersion\" .Values.cerbos.defaultPolicyVersion) (dict))", "Cerbos engine.lenientScopeSearch is true"],
    ["_helpers.tpl", "{{- if not (or (has \"tests\" $segments) (has \"testdata\" $segments) (regexMatch \"_test\\\\.(yaml|yml|json)$\" $rel)) -}}", "{{- if true -}}", "no policy tests"],
    ["serviceaccount.yaml", "automountServiceAccountToken: false", "automountServiceAccountToken: true", "ServiceAccount/authz-authz-service: automountServiceAccountToken false"],
    ["secret.yaml", null, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: leak\n  labels:\n    app.kubernetes.io/name: x\n    app.kubernetes.io/instance: authz\nstringData:\n  password: hunter2\n", "no Secret objects"],
  ];
  const copy = path.join(work, "mutant");
  for (const [file, from, to, expect, example] of mutations) {
    rmSync(copy, { recursive: true, force: true });
    cpSync(chart, copy, { recursive: true });
    const target = path.join(copy, "templates", file);
    let applied = true;
    if (from === null) writeFileSync(target, to);
    else {
      const src = readFileSync(target, "utf8");
      applied = src.includes(from);
      writeFileSync(target, src.replace(from, to));
    }
    if (!check(`mutation applies: ${file}: ${expect}`, applied)) continue;
    const files = withMeta(example);
    capture = [];
    try {
      const out = render(copy, files);
      checkCase(`mutant ${file}`, mergedValues(copy, files), out.docs, path.join(copy, "files", "policies"));
    } catch (e) {
      capture.push(`render error: ${e.message.split("\n")[0]}`);
    }
    const caught = capture;
    capture = null;
    section = "checker self-test";
    check(`breaking ${file} is caught by "${expect}"`, caught.some((n) => n.includes(expect)), caught.slice(0, 5).join("; ") || "nothing failed");
  }
}

console.log(`helm checks: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
