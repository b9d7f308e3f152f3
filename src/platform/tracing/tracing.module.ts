import {
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryModule, DiscoveryService, MetadataScanner } from '@nestjs/core';
import { RoutePathRedactor } from './route-path-redactor';
import { recordPathsAs, stopTracing } from './tracing';

/** Sends the spans still buffered before the process ends (nothing when tracing is off). */
@Injectable()
export class TracingShutdown implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await stopTracing();
  }
}

const pathsOf = (metadata: unknown): string[] =>
  (Array.isArray(metadata) ? metadata : [metadata]).filter(
    (path): path is string => typeof path === 'string',
  );

/**
 * Every route of every controller (`@Controller` path × handler path), read from Nest's own
 * metadata before the server listens: the templates whose parameters a span's `url.path` must
 * not carry. Found rather than listed, so a route added tomorrow is covered without a word here.
 */
@Injectable()
export class RouteTemplates implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onApplicationBootstrap(): void {
    recordPathsAs(new RoutePathRedactor(this.templates()));
  }

  templates(): string[] {
    const found: string[] = [];
    for (const { instance, metatype } of this.discovery.getControllers()) {
      if (!instance || !metatype) continue;
      const prefixes = pathsOf(Reflect.getMetadata(PATH_METADATA, metatype));
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = (prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function') continue;
        for (const path of pathsOf(Reflect.getMetadata(PATH_METADATA, handler))) {
          for (const prefix of prefixes) {
            found.push(
              `/${[prefix, path].join('/')}`.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1'),
            );
          }
        }
      }
    }
    return found;
  }
}

@Module({ imports: [DiscoveryModule], providers: [TracingShutdown, RouteTemplates] })
export class TracingModule {}
