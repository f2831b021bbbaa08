// Validates Kubernetes objects (a JSON array) against the Kubernetes OpenAPI schemas in npm kubernetes-models.
import { readFileSync } from 'node:fs';
import { Job } from 'kubernetes-models/batch/v1/Job';
const models = { Job };
for (const d of JSON.parse(readFileSync(process.argv[2], 'utf8'))) {
  try {
    new models[d.kind](d).validate();
    console.log(JSON.stringify({ kind: d.kind, valid: true }));
  } catch (e) {
    console.log(JSON.stringify({ kind: d.kind, valid: false, error: String(e && e.message).slice(0, 300) }));
  }
}
