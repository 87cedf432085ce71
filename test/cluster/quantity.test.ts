import { describe, expect, it } from 'vitest';
import { isValidResourceName, milliValue, parseQuantity, QuantityError, resourceAmount, unitValue } from '../../src/cluster/quantity.js';

// Cases from k8s.io/apimachinery/pkg/api/resource/quantity_test.go (TestQuantityParse and friends), expressed as the
// values MilliValue() and Value() return: both round up.
describe('parseQuantity', () => {
  it.each([
    ['0', 0, 0],
    ['0n', 0, 0],
    ['0Ki', 0, 0],
    ['1', 1000, 1],
    ['100m', 100, 1],
    ['0.1', 100, 1],
    ['.5', 500, 1],
    ['1.', 1000, 1],
    ['1.5', 1500, 2],
    ['1.5m', 2, 1],
    ['5n', 1, 1],
    ['4u', 1, 1],
    ['8Ki', 8192000, 8192],
    ['7Mi', 7340032000, 7340032],
    ['1Gi', 1073741824000, 1073741824],
    ['1.5Gi', 1610612736000, 1610612736],
    ['512Mi', 536870912000, 536870912],
    ['1G', 1e12, 1e9],
    ['50k', 50000000, 50000],
    ['2k', 2000000, 2000],
    ['1e3', 1000000, 1000],
    ['1E6', 1e9, 1e6],
    ['1e-3', 1, 1],
    ['1E-3', 1, 1],
    ['1.G', 1e12, 1e9],
    ['+1', 1000, 1],
    ['2P', 2e18, 2e15],
  ])('%s → %d milli, %d units', (text, milli, units) => {
    const q = parseQuantity(text);
    if (milli <= Number.MAX_SAFE_INTEGER) expect(milliValue(q)).toBe(milli);
    expect(unitValue(q)).toBe(units);
  });

  it('keeps binary quantities exact (no float rounding)', () => {
    expect(resourceAmount('memory', '0.9Gi')).toBe(966367642); // 966367641.6 rounded up
    expect(resourceAmount('cpu', '0.30000000000000004')).toBe(301);
  });

  it('accepts YAML numbers through their decimal text', () => {
    expect(resourceAmount('cpu', 2)).toBe(2000);
    expect(resourceAmount('cpu', 0.25)).toBe(250);
    expect(resourceAmount('memory', 1024)).toBe(1024);
  });

  it.each(['', ' 1', '1 ', '1.1.M', '1+1.0M', '0.1mi', '0.1am', 'aoeu', '.5i', '1i', '-3.01i', '-3.01e-', '1e', '1.1e', 'Gi', '.', '1Gb', '1KB', '1 Gi', '1Ki3'])(
    'rejects %j',
    (text) => {
      expect(() => parseQuantity(text)).toThrow(QuantityError);
    },
  );

  it('rejects negative resource amounts and values beyond 2^53', () => {
    expect(() => resourceAmount('cpu', '-1')).toThrow(/negative/);
    expect(() => resourceAmount('memory', '100Ei')).toThrow(/too large/);
  });
});

describe('isValidResourceName', () => {
  it.each(['cpu', 'memory', 'pods', 'ephemeral-storage', 'nvidia.com/gpu', 'example.com/foo', 'hugepages-2Mi'])('accepts %s', (n) => {
    expect(isValidResourceName(n)).toBe(true);
  });
  it.each(['gpu', 'CPU', 'nvidia.com/', '/gpu', 'hugepages-x'])('rejects %s', (n) => {
    expect(isValidResourceName(n)).toBe(false);
  });
});
