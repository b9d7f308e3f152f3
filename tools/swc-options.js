'use strict';
// What tsconfig.json asks of the emit, as SWC's options: Nest's legacy decorators with their
// design-type metadata (dependency injection reads them), class fields defined as ES2022 defines
// them, target ES2023. One place for the tests (jest.config.js, @swc/jest) and the service's build
// (tools/build-service.js), so that the tests run the code the build ships.

/**
 * SWC's `jsc` options for TypeScript (`'typescript'`) or JavaScript (`'ecmascript'`) sources.
 *
 * @param {'typescript' | 'ecmascript'} syntax
 */
function swcCompilerOptions(syntax) {
  return {
    parser: syntax === 'typescript' ? { syntax, decorators: true } : { syntax },
    target: 'es2023',
    transform: {
      legacyDecorator: true,
      decoratorMetadata: true,
      useDefineForClassFields: true,
    },
  };
}

module.exports = { swcCompilerOptions };
