/** Selector wrappers: objects that do not match pass without running the wrapped probe. */
import { passed } from './and.js';
import type { LabelMatcher } from './label-selector.js';
import { groupKindOf, labelsOf } from './object.js';
import type { KubeObject, ProbeResult, Prober } from './types.js';

export class GroupKindSelector implements Prober {
  readonly inner: Prober;
  readonly group: string;
  readonly kind: string;

  constructor(inner: Prober, group: string, kind: string) {
    this.inner = inner;
    this.group = group;
    this.kind = kind;
  }

  probe(obj: KubeObject): ProbeResult {
    const gk = groupKindOf(obj);
    return gk.group === this.group && gk.kind === this.kind ? this.inner.probe(obj) : passed();
  }
}

export class LabelSelectorProbe implements Prober {
  readonly inner: Prober;
  readonly matches: LabelMatcher;

  constructor(inner: Prober, matches: LabelMatcher) {
    this.inner = inner;
    this.matches = matches;
  }

  probe(obj: KubeObject): ProbeResult {
    return this.matches(labelsOf(obj)) ? this.inner.probe(obj) : passed();
  }
}
