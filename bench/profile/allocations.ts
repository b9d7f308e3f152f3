/**
 * Reads a V8 sampling heap profile (`HeapProfiler.stopSampling`, taken with the objects minor and
 * major GCs collected kept in) and says what allocated the bytes: per component and per function,
 * in bytes per request. Garbage is what the collector spends its time on (a tenth of a code
 * exchange's CPU), and the CPU profile cannot say who made it.
 */
import { addRows, componentOf, functionKey, rankedTables, type Row } from './summary';
import type { CpuProfileNode } from './inspector-session';

export interface SamplingHeapProfileNode {
  readonly callFrame: CpuProfileNode['callFrame'];
  /** Bytes of the samples allocated by this very frame. */
  readonly selfSize: number;
  readonly id: number;
  readonly children: readonly SamplingHeapProfileNode[];
}

export interface SamplingHeapProfile {
  readonly head: SamplingHeapProfileNode;
}

/** Sampling parameters: one sample per this many bytes on average, garbage included. */
export const ALLOCATION_SAMPLING = {
  samplingInterval: 4096,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
} as const;

export interface AllocationSummary {
  readonly totalBytes: number;
  /** `selfUs`/`totalUs` of a Row hold bytes here. */
  readonly components: readonly Row[];
  readonly functions: readonly Row[];
}

export function summariseAllocations(profile: SamplingHeapProfile): AllocationSummary {
  const components = new Map<string, { self: number; total: number }>();
  const functions = new Map<string, { self: number; total: number }>();
  const bump = (map: typeof components, key: string, field: 'self' | 'total', bytes: number) => {
    const row = map.get(key) ?? { self: 0, total: 0 };
    row[field] += bytes;
    map.set(key, row);
  };
  let totalBytes = 0;
  // Depth first, with the stack of the frames above: a frame's bytes count once for each
  // component and function on its stack (inclusive) and for itself (self).
  const visit = (node: SamplingHeapProfileNode, stack: readonly SamplingHeapProfileNode[]) => {
    const here = [...stack, node];
    if (node.selfSize > 0) {
      totalBytes += node.selfSize;
      bump(components, componentOf(node), 'self', node.selfSize);
      bump(functions, functionKey(node), 'self', node.selfSize);
      const seenComponents = new Set<string>();
      const seenFunctions = new Set<string>();
      for (const frame of here) {
        if (frame.callFrame.functionName === '(root)') continue;
        seenComponents.add(componentOf(frame));
        seenFunctions.add(functionKey(frame));
      }
      for (const key of seenComponents) bump(components, key, 'total', node.selfSize);
      for (const key of seenFunctions) bump(functions, key, 'total', node.selfSize);
    }
    for (const child of node.children) visit(child, here);
  };
  visit(profile.head, []);
  const rows = (map: typeof components): Row[] =>
    [...map].map(([name, { self, total }]) => ({ name, selfUs: self, totalUs: total }));
  return { totalBytes, components: rows(components), functions: rows(functions) };
}

/** The allocations of several workers of one instance, taken over the same load, as one. */
export function mergeAllocations(summaries: readonly AllocationSummary[]): AllocationSummary {
  if (summaries.length === 1) return summaries[0];
  return {
    totalBytes: summaries.reduce((sum, s) => sum + s.totalBytes, 0),
    components: addRows(summaries.map((s) => s.components)),
    functions: addRows(summaries.map((s) => s.functions)),
  };
}

/** Plain-text tables: the top rows by bytes allocated in the row itself and beneath it. */
export function renderAllocations(summary: AllocationSummary, requests: number, top = 25): string {
  const table = rankedTables(
    summary.totalBytes,
    top,
    (bytes) => `${(bytes / requests).toFixed(0).padStart(7)} B/req`,
  );
  return [
    `allocated ${(summary.totalBytes / 1024 / 1024).toFixed(1)} MiB (sampled, garbage included): ` +
      `${(summary.totalBytes / requests / 1024).toFixed(1)} KiB per request`,
    table('By component, allocated by its own frames:', summary.components, 'selfUs'),
    table('By component, allocated beneath it:', summary.components, 'totalUs'),
    table('By function, allocated by its own frame:', summary.functions, 'selfUs'),
    table('By function, allocated beneath it:', summary.functions, 'totalUs'),
  ].join('\n\n');
}
