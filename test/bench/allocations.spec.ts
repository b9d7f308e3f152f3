import {
  renderAllocations,
  summariseAllocations,
  type SamplingHeapProfileNode,
} from '../../bench/profile/allocations';

let nextId = 1;
function frame(
  functionName: string,
  url: string,
  selfSize: number,
  children: SamplingHeapProfileNode[] = [],
): SamplingHeapProfileNode {
  return {
    id: nextId++,
    selfSize,
    children,
    callFrame: { functionName, url, lineNumber: 9, columnNumber: 0 },
  };
}

describe('summariseAllocations', () => {
  const validator = frame(
    'execute',
    'file:///repo/node_modules/class-validator/cjs/validation/ValidationExecutor.js',
    3000,
  );
  const pipe = frame(
    'transform',
    'file:///repo/dist-bench-b/platform/validation/validation.pipe.js',
    500,
    [validator],
  );
  const driver = frame(
    'readMany',
    'file:///repo/node_modules/mongodb/lib/cmap/connection.js',
    1500,
  );
  const head = frame('(root)', '', 0, [pipe, driver]);

  it('books bytes to the frame that allocated them, and to every frame above it', () => {
    const summary = summariseAllocations({ head });
    expect(summary.totalBytes).toBe(5000);
    const component = (name: string) => summary.components.find((row) => row.name === name);
    expect(component('class-validator')).toEqual({
      name: 'class-validator',
      selfUs: 3000,
      totalUs: 3000,
    });
    // A build directory of another tree (dist-bench-b) is the service's code as dist-bench is.
    expect(component('proofgate platform/validation')).toEqual({
      name: 'proofgate platform/validation',
      selfUs: 500,
      totalUs: 3500,
    });
    expect(component('mongodb')?.totalUs).toBe(1500);
  });

  it('renders bytes per request, largest first', () => {
    const text = renderAllocations(summariseAllocations({ head }), 10, 2);
    expect(text).toContain('0.5 KiB per request');
    const selfTable = text.split('\n\n')[1].split('\n');
    expect(selfTable[1]).toMatch(/60\.0 %\s+300 B\/req\s+class-validator/);
    expect(selfTable[2]).toMatch(/30\.0 %\s+150 B\/req\s+mongodb/);
  });
});
