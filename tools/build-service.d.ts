export interface SourceSignature {
  digest: string;
  sources: number;
}

/** A workspace package (packages/*) the service may import: folder, sources, name and entry. */
export interface WorkspacePackage {
  dir: string;
  src: string;
  name: string;
  main: string;
}

/** The workspace packages of `root` (none without packages/). */
export function workspacePackages(root: string): WorkspacePackage[];

/** What the build depends on (paths, sizes and modification times of src/, the packages' sources and the settings). */
export function sourceSignature(): SourceSignature;

/** True when `distDir` holds a build of the sources as they are now. */
export function isCurrent(distDir: string, signature?: SourceSignature): boolean;

/** Records that `distDir` is a build of the sources as they are now (written whole). */
export function writeSignature(distDir: string, signature?: SourceSignature): void;

/**
 * Compiles the whole service (`root`'s src/, this checkout's by default) into `outDir` (emptied
 * first), static assets included, and each workspace package into `outDir/node_modules/<name>/`.
 */
export function compileService(outDir: string, root?: string): Promise<void>;

/** compileService, blocking. */
export function compileServiceSync(outDir: string, root?: string): void;

/** Builds into `distDir` unless it is current; resolves to 0 (current or built) or 1 (a source did not compile). */
export function build(
  distDir: string,
  options?: { log?: (message: string) => void },
): Promise<number>;
