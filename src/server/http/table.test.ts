import { describe, expect, it } from 'vitest';
import { jsonPathValue } from './table.js';

const obj = {
  metadata: { annotations: { 'a.b/c': 'x' } },
  status: {
    revision: 3,
    conditions: [
      { type: 'Progressing', status: 'False', observedGeneration: 1 },
      { type: 'Available', status: 'True', observedGeneration: 2 },
    ],
  },
};

describe('printer column JSONPath', () => {
  it('follows fields, indexes and quoted keys', () => {
    expect(jsonPathValue(obj, '.status.revision')).toBe(3);
    expect(jsonPathValue(obj, '.status.conditions[1].type')).toBe('Available');
    expect(jsonPathValue(obj, ".metadata.annotations['a.b/c']")).toBe('x');
    expect(jsonPathValue(obj, '.status.missing.deeper')).toBeUndefined();
  });

  it('filters list items as the PKO printer columns do', () => {
    expect(jsonPathValue(obj, '.status.conditions[?(@.type=="Available")].status')).toBe('True');
    expect(jsonPathValue(obj, ".status.conditions[?(@.type=='Progressing')].status")).toBe('False');
    expect(jsonPathValue(obj, '.status.conditions[?(@.type=="Paused")].status')).toBeUndefined();
    expect(jsonPathValue(obj, '.status.conditions[?(@.observedGeneration==2)].type')).toBe(
      'Available',
    );
    expect(jsonPathValue(obj, '.status.conditions[?(@.type!="Progressing")].type')).toBe(
      'Available',
    );
    expect(jsonPathValue(obj, '.status.conditions[*].type')).toBe('Progressing');
  });
});
