import type { ChildProcess } from 'node:child_process';

export interface SourceSignature {
  digest: string;
  sources: number;
}

/** What the build depends on (paths, sizes and modification times of src/ and the settings). */
export function sourceSignature(): SourceSignature;

/** True when `distDir` holds a build of the sources as they are now. */
export function isCurrent(distDir: string, signature?: SourceSignature): boolean;

/** Records that `distDir` is a build of the sources as they are now (written whole). */
export function writeSignature(distDir: string, signature?: SourceSignature): void;

/** Builds into `distDir` unless it is current; resolves to tsc's exit status (0 when current). */
export function build(
  distDir: string,
  options?: {
    log?: (message: string) => void;
    onCompiler?: (child: ChildProcess) => void;
    stdio?: 'inherit' | 'pipe';
  },
): Promise<number>;
