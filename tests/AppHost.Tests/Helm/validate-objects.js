// Reads the multi-document YAML `helm template` rendered (YAML 1.1, as Kubernetes reads it) and checks every object
// against the Kubernetes API schemas of the npm package kubernetes-models (KEDA's CRDs from @kubernetes-models/keda),
// strictly: a field the schema does not know is a problem too, as the API server's strict field validation says.
// Usage: node validate-objects.js <rendered.yaml> <tests/node/package.json> <result.json>
// Writes {"objects": [...], "problems": ["Kind/name: ..."]} to result.json.
"use strict";
const fs = require("fs");
const { createRequire } = require("module");

const [renderedPath, toolsPackage, resultPath] = process.argv.slice(2);
const requireTool = createRequire(toolsPackage);
const YAML = requireTool("yaml");

// apiVersion → the package folder of its models.
function modelPath(apiVersion, kind) {
  if (apiVersion.startsWith("keda.sh/")) return `@kubernetes-models/keda/${apiVersion}/${kind}`;
  return `kubernetes-models/${apiVersion}/${kind}`;
}

// The validators read each field the schema declares (data.<field>) and walk maps of free keys (labels) with their own
// keys: an object behind a Proxy tells which of its keys were never read, the fields the schema does not have.
function track(value, path, unread) {
  if (value === null || typeof value !== "object") return value;
  const read = new Set();
  let enumerated = false;
  const copy = Array.isArray(value)
    ? value.map((item, i) => track(item, `${path}/${i}`, unread))
    : Object.fromEntries(Object.entries(value).map(([key, item]) => [key, track(item, `${path}/${key}`, unread)]));
  if (!Array.isArray(value))
    unread.push(() => enumerated ? [] : Object.keys(value).filter(key => !read.has(key)).map(key => `${path}/${key}`));
  return new Proxy(copy, {
    get(target, key, receiver) { read.add(key); return Reflect.get(target, key, receiver); },
    has(target, key) { read.add(key); return Reflect.has(target, key); },
    ownKeys(target) { enumerated = true; return Reflect.ownKeys(target); },
  });
}

const documents = YAML.parseAllDocuments(fs.readFileSync(renderedPath, "utf8"), { version: "1.1" });
const objects = [];
const problems = [];
for (const document of documents) {
  if (document.errors.length > 0) {
    problems.push(...document.errors.map(e => `YAML: ${e.message}`));
    continue;
  }
  const object = document.toJS();
  if (object === null) continue;
  objects.push(object);
  const name = `${object.kind}/${object.metadata && object.metadata.name}`;
  let Model;
  try {
    Model = requireTool(modelPath(object.apiVersion || "", object.kind || ""))[object.kind];
  } catch {
    problems.push(`${name}: no schema for ${object.apiVersion} ${object.kind}`);
    continue;
  }
  const unread = [];
  try {
    Model.prototype.validate.call(track(object, "", unread));
  } catch (error) {
    problems.push(`${name}: ${error.message}`);
  }
  problems.push(...unread.flatMap(check => check()).map(field => `${name}: unknown field ${field}`));
}
fs.writeFileSync(resultPath, JSON.stringify({ objects, problems }));
