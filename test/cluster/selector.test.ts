import { describe, expect, it } from 'vitest';
import { compileLabelSelector, compileNodeSelectorTerms, requirementError } from '../../src/cluster/selector.js';
import type { Node } from '../../src/cluster/types.js';

const node = (name: string, labels: Record<string, string>): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels },
  spec: {},
  status: { capacity: {}, allocatable: {} },
});

describe('label selectors (apimachinery labels.Requirement.Matches)', () => {
  const labels = { app: 'web', tier: 'frontend' };
  it.each([
    [{ matchLabels: { app: 'web' } }, true],
    [{ matchLabels: { app: 'db' } }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['frontend', 'backend'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn' as const, values: ['frontend'] }] }, false],
    [{ matchExpressions: [{ key: 'zone', operator: 'NotIn' as const, values: ['a'] }] }, true], // absent key matches NotIn
    [{ matchExpressions: [{ key: 'app', operator: 'Exists' as const }] }, true],
    [{ matchExpressions: [{ key: 'zone', operator: 'Exists' as const }] }, false],
    [{ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' as const }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' as const }] }, false],
    [{ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['backend'] }] }, false],
    [{}, true], // empty selector matches everything
  ])('%j → %s', (sel, expected) => {
    expect(compileLabelSelector(sel)(labels)).toBe(expected);
  });

  it('a null selector matches nothing', () => {
    expect(compileLabelSelector(undefined)(labels)).toBe(false);
  });

  it('In on an unlabelled object does not match; NotIn does', () => {
    expect(compileLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: ['x'] }] })(undefined)).toBe(false);
    expect(compileLabelSelector({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['x'] }] })(undefined)).toBe(true);
  });
});

describe('node selector terms (component-helpers nodeaffinity)', () => {
  const n = node('node-1', { zone: 'a', cores: '16' });
  it('ORs terms and ANDs the requirements inside a term', () => {
    const m = compileNodeSelectorTerms([
      { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] },
      { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'cores', operator: 'Gt', values: ['8'] }] },
    ]);
    expect(m(n)).toBe(true);
  });
  it('Gt and Lt compare integers; a non-integer label never matches', () => {
    expect(compileNodeSelectorTerms([{ matchExpressions: [{ key: 'cores', operator: 'Lt', values: ['16'] }] }])(n)).toBe(false);
    expect(compileNodeSelectorTerms([{ matchExpressions: [{ key: 'zone', operator: 'Gt', values: ['1'] }] }])(n)).toBe(false);
  });
  it('matchFields selects by metadata.name', () => {
    const m = compileNodeSelectorTerms([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-1'] }] }]);
    expect(m(n)).toBe(true);
    expect(m(node('node-2', {}))).toBe(false);
  });
  it('an empty term and an empty term list match nothing', () => {
    expect(compileNodeSelectorTerms([{}])(n)).toBe(false);
    expect(compileNodeSelectorTerms([])(n)).toBe(false);
  });
  it('validates operator/value combinations', () => {
    expect(requirementError({ key: 'a', operator: 'In', values: [] })).toMatch(/at least one/);
    expect(requirementError({ key: 'a', operator: 'Exists', values: ['x'] })).toMatch(/no values/);
    expect(requirementError({ key: 'a', operator: 'Gt', values: ['x'] })).toMatch(/integer/);
    expect(requirementError({ key: 'a', operator: 'NotIn', values: ['x'] })).toBeUndefined();
  });
});
