/**
 * Go template engine benchmark: renders a realistic 50-template package (helpers, include,
 * toYAML of nested config, ranges, conditionals) many times and prints ns per render for
 * parse+execute and for execute alone, next to the real Go implementation's own figures for the
 * same input (the gotemplate oracle's `bench` field) and the ratios.
 *
 *   npx tsx bench/gotemplate.ts [iterations]
 *
 * The oracle is taken from $GOTEMPLATE_ORACLE, or built from ../shared/tools/gotemplate-oracle
 * when Go and the Debian sprig sources are installed (see scripts/oracle-gotemplate.sh).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pkoFuncs } from '../src/gotemplate/funcs/index.js';
import { fromJSON, parseTemplates } from '../src/gotemplate/index.js';

const iterations = Number(process.argv[2] ?? 1000);

function buildPackage(): Record<string, string> {
  const files: Record<string, string> = {
    '_helpers.tpl': `{{- define "app.name" -}}{{ .package.metadata.name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- define "app.labels" -}}
app.kubernetes.io/name: {{ include "app.name" . }}
app.kubernetes.io/instance: {{ .package.metadata.name | quote }}
app.kubernetes.io/managed-by: package-operator
{{- range $k, $v := .package.metadata.labels }}
{{ $k }}: {{ $v | quote }}
{{- end }}
{{- end -}}
{{- define "app.resources" -}}
resources:
{{ toYAML . | indent 2 }}
{{- end -}}`,
  };
  const kinds = ['deployment', 'service', 'configmap', 'secret', 'rbac'];
  for (let i = 0; i < 50; i++) {
    const kind = kinds[i % kinds.length]!;
    const name = `c${String(i).padStart(2, '0')}-${kind}.yaml.gotmpl`;
    const comp = `.config.components.c${i % 10}`;
    files[name] = (() => {
      switch (kind) {
        case 'deployment':
          return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.name" . }}-c${i}
  namespace: {{ .package.metadata.namespace }}
  labels:
{{ include "app.labels" . | indent 4 }}
  annotations:
    package-operator.run/phase: deploy
spec:
  replicas: {{ ${comp}.replicas | default 1 }}
  selector:
    matchLabels:
      app: c${i}
  template:
    metadata:
      labels:
        app: c${i}
    spec:
      containers:
      {{- range $idx, $c := ${comp}.containers }}
      - name: {{ $c.name }}
        image: {{ index $.images $c.image }}
        {{- with $c.args }}
        args:
{{ toYAML . | indent 10 }}
        {{- end }}
        env:
        {{- range $k, $v := $c.env }}
        - name: {{ $k | upper }}
          value: {{ $v | toString | quote }}
        {{- end }}
{{ include "app.resources" $c.resources | indent 8 }}
      {{- end }}
      {{- if .environment.proxy }}
      # proxy: {{ .environment.proxy.httpProxy }}
      {{- end }}
`;
        case 'service':
          return `apiVersion: v1
kind: Service
metadata:
  name: {{ include "app.name" . }}-c${i}
  annotations:
    package-operator.run/phase: deploy
spec:
  ports:
  {{- range ${comp}.ports }}
  - name: {{ .name }}
    port: {{ .port }}
    targetPort: {{ .target | default .port }}
  {{- end }}
  selector:
    app: c${i}
`;
        case 'configmap':
          return `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "app.name" . }}-c${i}-config
  annotations:
    package-operator.run/phase: config
data:
  config.yaml: |
{{ toYAML ${comp}.settings | indent 4 }}
  settings.json: {{ ${comp}.settings | toJson | quote }}
  {{- if semverCompare ">=1.25.0-0" .environment.kubernetes.version }}
  modern: "true"
  {{- end }}
`;
        case 'secret':
          return `apiVersion: v1
kind: Secret
metadata:
  name: {{ include "app.name" . }}-c${i}
  annotations:
    package-operator.run/phase: config
stringData:
  {{- range $k, $v := ${comp}.settings.features }}
  {{ $k }}: {{ printf "%v-%s" $v (b64enc $k) | quote }}
  {{- end }}
`;
        default:
          return `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {{ include "app.name" . }}-c${i}
  annotations:
    package-operator.run/phase: rbac
rules:
{{- range $r := list "pods" "services" "configmaps" }}
- apiGroups: [""]
  resources: [{{ $r | quote }}]
  verbs: {{ list "get" "list" "watch" | toJson }}
{{- end }}
`;
      }
    })();
  }
  const names = Object.keys(files).filter((n) => n.endsWith('.gotmpl'));
  files['zz-render-all.gotmpl'] = names.map((n) => `{{ template "${n}" . }}\n---\n`).join('');
  return files;
}

function buildContext(): unknown {
  const components: Record<string, unknown> = {};
  for (let c = 0; c < 10; c++) {
    components[`c${c}`] = {
      replicas: (c % 3) + 1,
      containers: [0, 1].map((k) => ({
        name: `ctr-${c}-${k}`,
        image: k === 0 ? 'app' : 'sidecar',
        args: ['--verbose', `--level=${k}`, '--listen=:8080'],
        env: { log_level: 'debug', workers: 4 + k, ratio: 0.75, enabled: true },
        resources: {
          limits: { cpu: '500m', memory: '256Mi' },
          requests: { cpu: '100m', memory: '128Mi' },
        },
      })),
      ports: [
        { name: 'http', port: 80, target: 8080 },
        { name: 'metrics', port: 9090, target: null },
      ],
      settings: {
        database: { host: 'db.example.com', port: 5432, pool: { min: 2, max: 20 } },
        features: { alpha: true, beta: false, gamma: 'on' },
        listOfThings: ['a', 'b', 'c'],
        timeoutSeconds: 30,
        description: 'a long description line that is here to make the YAML a bit bigger',
      },
    };
  }
  return {
    package: {
      metadata: {
        name: 'example-app',
        namespace: 'example',
        labels: { team: 'platform', tier: 'backend' },
        annotations: {},
      },
      image: 'quay.io/example/app-package:v1',
    },
    config: { components },
    images: {
      app: 'quay.io/example/app@sha256:0123456789abcdef',
      sidecar: 'quay.io/example/sidecar@sha256:fedcba9876543210',
    },
    environment: { kubernetes: { version: 'v1.29.3' }, proxy: { httpProxy: 'http://proxy:3128' } },
  };
}

function findOracle(): string | undefined {
  const fromEnv = process.env['GOTEMPLATE_ORACLE'];
  if (fromEnv !== undefined && existsSync(fromEnv)) return fromEnv;
  const src = resolve(import.meta.dirname, '../../shared/tools/gotemplate-oracle');
  const hasGo = spawnSync('go', ['version']).status === 0;
  if (!hasGo || !existsSync('/usr/share/gocode/src/github.com/Masterminds/sprig')) return undefined;
  const out = join(mkdtempSync(join(tmpdir(), 'gotemplate-oracle-')), 'oracle');
  execFileSync('bash', [join(src, 'build.sh'), out], { stdio: 'ignore' });
  return out;
}

const files = buildPackage();
const contextJSON = buildContext();
const execName = 'zz-render-all.gotmpl';
const ctx = fromJSON(contextJSON);

const parseOnce = () => parseTemplates(files, { funcs: pkoFuncs({ files }) });
const first = parseOnce().execute(execName, ctx);

// Measure like the oracle: parse+execute, then execute alone (parsed once). The machine may be
// busy, so both sides run in several interleaved rounds and the fastest round of each counts.
const rounds = 5;
const perRound = Math.max(1, Math.floor(iterations / rounds));
for (let i = 0; i < 200; i++) parseOnce().execute(execName, ctx);
const parsed = parseOnce();
const oracle = findOracle();
const request = JSON.stringify({
  id: 'bench',
  templates: files,
  execute: execName,
  context: contextJSON,
  files,
  bench: perRound,
});
let oursNs = Infinity;
let oursExecNs = Infinity;
let goNs = Infinity;
let goExecNs = Infinity;
let goOutput: string | undefined;
let goError: string | undefined;
for (let r = 0; r < rounds; r++) {
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < perRound; i++) parseOnce().execute(execName, ctx);
  oursNs = Math.min(oursNs, Number(process.hrtime.bigint() - t0) / perRound);
  t0 = process.hrtime.bigint();
  for (let i = 0; i < perRound; i++) parsed.execute(execName, ctx);
  oursExecNs = Math.min(oursExecNs, Number(process.hrtime.bigint() - t0) / perRound);
  if (oracle !== undefined) {
    const res = JSON.parse(execFileSync(oracle, { input: request + '\n' }).toString()) as {
      output?: string;
      error?: string;
      ns_per_op?: number;
      exec_ns_per_op?: number;
    };
    goOutput = res.output;
    goError = res.error;
    goNs = Math.min(goNs, res.ns_per_op ?? Infinity);
    goExecNs = Math.min(goExecNs, res.exec_ns_per_op ?? Infinity);
  }
}

const fmtNs = (ns: number): string => `${(ns / 1000).toFixed(1)} µs`;
process.stdout.write(
  `package: ${Object.keys(files).length} templates, ${first.length} bytes rendered, ` +
    `${rounds} rounds of ${perRound} renders (fastest round counts)\n`,
);
process.stdout.write(
  `packsync: parse+execute ${fmtNs(oursNs)}/render, execute ${fmtNs(oursExecNs)}/render\n`,
);
if (oracle === undefined) {
  process.stdout.write(
    'go oracle: not available (set GOTEMPLATE_ORACLE or install Go and sprig)\n',
  );
} else if (goOutput === undefined) {
  process.stdout.write(`go oracle: error ${goError ?? '?'}\n`);
} else {
  process.stdout.write(
    `go:       parse+execute ${fmtNs(goNs)}/render, execute ${fmtNs(goExecNs)}/render\n`,
  );
  process.stdout.write(
    `ratio packsync/go: parse+execute ${(oursNs / goNs).toFixed(2)}x, execute ${(oursExecNs / goExecNs).toFixed(2)}x` +
      ` (output ${goOutput === first ? 'identical' : 'DIFFERS'})\n`,
  );
}
