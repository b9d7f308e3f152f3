// Validates prometheus-operator custom resources (ServiceMonitor, PrometheusRule) against the
// operator's CRD schemas, as @kubernetes-models/prometheus-operator compiles them: the custom
// resources kubernetes-validate has no schema for. tools/helm/install.sh installs the models into
// .cache/helm/crd-models; test/e2e/operations/helm-chart.spec.ts runs this file.
//
//   node tools/helm/validate-custom-resources.mjs <models folder> < resources.json
//
// Reads a JSON array of resources on stdin, prints a JSON array of
// { kind, name, valid, errors? } (errors: the schema's own words), one entry per resource.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const KINDS = new Set(['ServiceMonitor', 'PrometheusRule']);
const [modelsFolder] = process.argv.slice(2);
if (!modelsFolder) {
  process.stderr.write('usage: validate-custom-resources.mjs <models folder> < resources.json\n');
  process.exit(2);
}
const v1 = join(
  modelsFolder,
  'node_modules',
  '@kubernetes-models',
  'prometheus-operator',
  'monitoring.coreos.com',
  'v1',
);

const results = [];
for (const resource of JSON.parse(readFileSync(0, 'utf8'))) {
  const { apiVersion, kind, metadata } = resource;
  const name = metadata?.name;
  if (apiVersion !== 'monitoring.coreos.com/v1' || !KINDS.has(kind)) {
    results.push({ kind, name, valid: false, errors: `no schema here for ${apiVersion} ${kind}` });
    continue;
  }
  const model = (await import(pathToFileURL(join(v1, `${kind}.js`)).href))[kind];
  try {
    new model(resource).validate();
    results.push({ kind, name, valid: true });
  } catch (error) {
    results.push({ kind, name, valid: false, errors: String(error.message ?? error) });
  }
}
process.stdout.write(`${JSON.stringify(results)}\n`);
