// Unknown-field detection for core Kubernetes objects, like `kubectl apply --validate=strict`.
// kubernetes-models' validators check types and required fields but accept unknown keys,
// so a typo such as `readOnlyRootFileSystem` would pass them. The field lists come from
// the same package's generated .d.ts interfaces (one interface per OpenAPI definition).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const roots = {
  "kubernetes-models": path.dirname(require.resolve("kubernetes-models/package.json")),
  "@kubernetes-models/apimachinery": path.dirname(require.resolve("@kubernetes-models/apimachinery/package.json")),
};
const cache = new Map();

function resolveImport(fromFile, spec) {
  for (const [pkg, dir] of Object.entries(roots)) {
    if (spec === pkg || spec.startsWith(pkg + "/")) {
      const rest = spec.slice(pkg.length + 1).replace(/\.js$/, "");
      return path.join(dir, rest + ".d.ts");
    }
  }
  if (spec.startsWith(".")) return path.resolve(path.dirname(fromFile), spec.replace(/\.js$/, ".d.ts"));
  return null; // @kubernetes-models/base etc.: not object types
}

// Parses the first interface of a .d.ts file into { field: { array, ref } }.
function loadInterface(file) {
  if (cache.has(file)) return cache.get(file);
  const src = readFileSync(file, "utf8");
  const imports = {};
  for (const m of src.matchAll(/import \{ ([^}]+) \} from "([^"]+)";/g)) {
    for (const name of m[1].split(",").map((s) => s.trim())) imports[name] = resolveImport(file, m[2]);
  }
  const start = src.search(/export interface I\w+( extends [\w, ]+)? \{/);
  if (start < 0) {
    cache.set(file, null);
    return null;
  }
  const body = src.slice(src.indexOf("{", start) + 1);
  const fields = {};
  let depth = 0;
  for (const raw of body.split("\n")) {
    const line = raw.trim();
    if (depth === 0 && line.startsWith("}")) break;
    const m = depth === 0 && line.match(/^"([^"]+)"\??: (.*)$/);
    if (m) {
      let type = m[2].replace(/;$/, "");
      const array = /^Array<(.*)>$/.exec(type);
      if (array) type = array[1];
      const ref = /^I\w+$/.test(type) && imports[type] ? imports[type] : null;
      fields[m[1]] = { array: !!array, ref };
    }
    depth += (line.match(/\{/g) || []).length - (line.match(/\}/g) || []).length;
  }
  // Interfaces extending TypeMeta carry apiVersion/kind.
  fields.apiVersion ??= { array: false, ref: null };
  fields.kind ??= { array: false, ref: null };
  cache.set(file, fields);
  return fields;
}

/** Returns the paths of unknown fields in obj, given the model's .d.ts file. */
export function unknownFields(obj, file, at = "") {
  const fields = loadInterface(file);
  if (!fields || obj === null || typeof obj !== "object" || Array.isArray(obj)) return [];
  const out = [];
  for (const [key, value] of Object.entries(obj)) {
    const f = fields[key];
    if (!f) {
      out.push(`${at}/${key}`);
      continue;
    }
    if (!f.ref) continue;
    if (f.array && Array.isArray(value)) value.forEach((v, i) => out.push(...unknownFields(v, f.ref, `${at}/${key}/${i}`)));
    else if (!f.array) out.push(...unknownFields(value, f.ref, `${at}/${key}`));
  }
  return out;
}

/** The .d.ts file of a core model, or null for kinds outside kubernetes-models (CRDs). */
export function modelFile(apiVersion, kind) {
  const group = apiVersion.includes("/") ? apiVersion : `v1`;
  const file = path.join(roots["kubernetes-models"], group === "v1" ? "v1" : group, `${kind}.d.ts`);
  try {
    readFileSync(file);
    return file;
  } catch {
    return null;
  }
}
