/** Package-like template sets: helpers, deployments, config maps, toYAML of nested config. */
import type { CorpusCase } from './types.js';

const helpers = `{{/* common helpers */}}
{{- define "app.name" -}}
{{ .package.metadata.name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "app.labels" -}}
app.kubernetes.io/name: {{ include "app.name" . }}
app.kubernetes.io/instance: {{ .package.metadata.name }}
{{- range $k, $v := .package.metadata.labels }}
{{ $k }}: {{ $v | quote }}
{{- end }}
{{- end }}

{{- define "app.selector" -}}
app.kubernetes.io/name: {{ include "app.name" . }}
{{- end }}
`;

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.name" . }}
  namespace: {{ .package.metadata.namespace }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
  annotations:
    package-operator.run/phase: deploy
spec:
  replicas: {{ .config.replicas }}
  selector:
    matchLabels:
      {{- include "app.selector" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "app.selector" . | nindent 8 }}
    spec:
      containers:
      - name: app
        image: {{ .images.app }}
        args:
        {{- range .config.extraArgs }}
        - {{ . | quote }}
        {{- end }}
        env:
        {{- range $k, $v := .config.env }}
        - name: {{ $k }}
          value: {{ $v | quote }}
        {{- end }}
        {{- with .config.resources }}
        resources:
          {{- toYAML . | nindent 10 }}
        {{- end }}
      {{- with .config.nodeSelector }}
      nodeSelector:
        {{- toYAML . | nindent 8 }}
      {{- end }}
      {{- if .config.tolerations }}
      tolerations:
      {{- toYAML .config.tolerations | nindent 6 }}
      {{- end }}
`;

const configmap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .package.metadata.name }}-config
  annotations:
    package-operator.run/phase: config
data:
  environment.json: {{ toJson .environment | quote }}
  config.yaml: |
    {{- toYAML .config | nindent 4 }}
  k8s-version: {{ .environment.kubernetes.version | trimPrefix "v" | quote }}
  {{- if semverCompare ">=1.25.0-0" .environment.kubernetes.version }}
  psa: enforced
  {{- end }}
  {{- if hasKey .environment "openShift" }}
  openshift: {{ .environment.openShift.version | quote }}
  {{- end }}
  checksum: {{ toJson .config | sha256sum | trunc 16 }}
`;

const ingress = `{{- if .config.ingress.enabled }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ .package.metadata.name }}
  annotations:
    package-operator.run/phase: deploy
spec:
  rules:
  {{- range $i, $host := .config.ingress.hosts }}
  - host: {{ $host }}
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: {{ $.package.metadata.name }}
            port:
              number: {{ $.config.env.PORT | int }}
  {{- end }}
  {{- if .config.ingress.tls }}
  tls: []
  {{- end }}
{{- end }}
`;

const namespace = `{{- if eq .package.metadata.namespace "" }}
apiVersion: v1
kind: Namespace
metadata:
  name: {{ .package.metadata.name }}
{{- end }}
`;

const set = {
  '_helpers.gotmpl': helpers,
  'deployment.yaml.gotmpl': deployment,
  'configmap.yaml.gotmpl': configmap,
  'ingress.yaml.gotmpl': ingress,
  'namespace.yaml.gotmpl': namespace,
};

const pkg = (id: string, execute: string, context?: unknown): CorpusCase => ({
  id,
  templates: set,
  execute,
  ...(context === undefined ? { ctx: 'pkg' } : { context }),
});

interface PkgContext {
  package: { metadata: Record<string, unknown> };
  config: Record<string, unknown>;
  environment: Record<string, unknown>;
}

function variant(mutate: (c: PkgContext) => void, base: unknown): unknown {
  const c = structuredClone(base) as PkgContext;
  mutate(c);
  return c;
}

export function realisticCases(contexts: Record<string, unknown>): CorpusCase[] {
  const base = contexts.pkg;
  const cluster = variant((c) => {
    c.package.metadata.namespace = '';
    c.package.metadata.labels = {};
    delete c.environment.openShift;
    c.config.ingress = { enabled: false };
    c.config.nodeSelector = { 'kubernetes.io/os': 'linux' };
    c.config.tolerations = [];
    c.config.resources = {};
    c.environment.kubernetes = { version: 'v1.24.9' };
  }, base);
  const longName = variant((c) => {
    c.package.metadata.name =
      'a-very-long-package-name-that-goes-beyond-the-limit-of-sixty-three-chars';
  }, base);
  const broken = variant((c) => {
    delete c.config.env;
  }, base);
  const cases: CorpusCase[] = [];
  for (const file of Object.keys(set)) {
    cases.push(pkg(`real/pkg/${file}`, file));
    cases.push(pkg(`real/cluster/${file}`, file, cluster));
  }
  cases.push(pkg('real/long-name/deployment', 'deployment.yaml.gotmpl', longName));
  cases.push(pkg('real/missing-env/deployment', 'deployment.yaml.gotmpl', broken));
  cases.push(pkg('real/missing-env/configmap', 'configmap.yaml.gotmpl', broken));
  cases.push(pkg('real/missing-env/ingress', 'ingress.yaml.gotmpl', broken));

  const small: [string, string][] = [
    [
      'env-json',
      'test-environment: {{ toJson .environment | quote }}\ntest-config: {{ .config | toJson | quote }}',
    ],
    [
      'package-cr',
      `apiVersion: package-operator.run/v1alpha1
kind: Package
metadata:
  name: {{ .package.metadata.name }}-backend
spec:
  image: {{ .package.image }}
  component: backend
  config:
    {{- toYAML (dict "image" .config.image "replicas" .config.replicas) | nindent 4 }}
`,
    ],
    [
      'proxy-env',
      `{{- with .environment.proxy }}
env:
{{- if .httpProxy }}
- name: HTTP_PROXY
  value: {{ .httpProxy }}
{{- end }}
{{- if .noProxy }}
- name: NO_PROXY
  value: {{ .noProxy | quote }}
{{- end }}
{{- end }}`,
    ],
    [
      'images',
      `{{- range $name, $ref := .images }}
- name: {{ $name }}
  ref: {{ $ref }}
  digest: {{ regexFind "sha256:[a-f0-9]+" $ref | default "none" }}
{{- end }}`,
    ],
    [
      'merge-defaults',
      `{{- $defaults := dict "replicas" 1 "image" "nginx:latest" "logLevel" "warn" }}
{{- $cfg := merge (deepCopy .config) $defaults }}
replicas: {{ $cfg.replicas }}
logLevel: {{ $cfg.logLevel }}
image: {{ $cfg.image }}
keys: {{ keys $cfg | sortAlpha | join "," }}`,
    ],
    [
      'secret',
      `apiVersion: v1
kind: Secret
metadata:
  name: creds
stringData:
  {{- range $k, $v := b64decMap (dict "user" (b64enc "admin") "pass" (b64enc "s3cr3t")) }}
  {{ $k }}: {{ $v | quote }}
  {{- end }}
data:
  token: {{ "token-value" | b64enc }}`,
    ],
    [
      'tolerations-loop',
      `tolerations:
{{- range .config.tolerations }}
- {{- range $k, $v := . }}
  {{ $k }}: {{ $v }}
  {{- end }}
{{- end }}`,
    ],
    [
      'openshift-switch',
      `{{- $ver := .environment.kubernetes.version }}
{{- if and (hasKey .environment "openShift") (semverCompare ">=4.14" .environment.openShift.version) }}
route: true
{{- else if semverCompare "<1.25.0-0" $ver }}
podSecurityPolicy: true
{{- else }}
plain: true
{{- end }}`,
    ],
    [
      'labels-merge',
      `metadata:
  labels:
    {{- $labels := merge (dict "app" .package.metadata.name) .package.metadata.labels }}
    {{- toYAML $labels | nindent 4 }}
  annotations:
    {{- toYAML .package.metadata.annotations | nindent 4 }}`,
    ],
    [
      'list-yaml',
      `hosts:
{{ toYAML .config.ingress.hosts }}
args: {{ .config.extraArgs | join " " | quote }}
first: {{ first .config.ingress.hosts }}
count: {{ len .config.ingress.hosts }}`,
    ],
  ];
  for (const [name, template] of small) {
    cases.push({ id: `real/${name}/pkg`, template, ctx: 'pkg' });
    cases.push({ id: `real/${name}/cluster`, template, context: cluster });
  }
  return cases;
}
