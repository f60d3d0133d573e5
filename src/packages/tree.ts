/**
 * The `tree` text of a rendered package, with the layout of Package Operator's gotree v1.0.0
 * output: every phase line starts with `└──`; objects of every phase but the last printed one
 * start with `│   ├── `, those of the last one with `    └── `. Every line ends in `\n`.
 */
import { gvkOf, gvkString, nameOf, namespaceOf } from './object-validators.js';
import type { ObjectSetTemplateSpec } from './objectset-template.js';

export interface TreeHeader {
  /** `metadata.name` of the manifest. */
  manifestName: string;
  packageName: string;
  /** Empty for a ClusterPackage. */
  packageNamespace: string;
}

export function formatTree(header: TreeHeader, spec: ObjectSetTemplateSpec): string {
  const kind = header.packageNamespace === '' ? 'ClusterPackage' : 'Package';
  let out = `${header.manifestName}\n${kind} ${header.packageNamespace}/${header.packageName}\n`;
  spec.phases.forEach((phase, i) => {
    const last = i === spec.phases.length - 1;
    out += `└── Phase ${phase.name}\n`;
    const prefix = last ? '    └── ' : '│   ├── ';
    const lines = [
      ...phase.objects.map(
        (o) => `${gvkString(gvkOf(o.object))} ${namespaceOf(o.object)}/${nameOf(o.object)}`,
      ),
      ...(phase.externalObjects ?? []).map(
        (o) =>
          `${gvkString(gvkOf(o.object))} ${namespaceOf(o.object)}/${nameOf(o.object)} (EXTERNAL)`,
      ),
    ];
    for (const line of lines) out += `${prefix}${line}\n`;
  });
  return out;
}
