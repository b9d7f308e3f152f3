/**
 * The part of tr46 (UTS #46, https://github.com/jsdom/tr46) the service calls. The package ships
 * no types of its own, and @types/tr46 describes version 5's options, not 6's.
 */
declare module 'tr46' {
  export interface Uts46Options {
    checkBidi?: boolean;
    checkHyphens?: boolean;
    checkJoiners?: boolean;
    ignoreInvalidPunycode?: boolean;
    transitionalProcessing?: boolean;
    useSTD3ASCIIRules?: boolean;
    verifyDNSLength?: boolean;
  }

  /** The domain's ASCII form, or null where UTS #46 processing finds an error. */
  export function toASCII(domainName: string, options?: Uts46Options): string | null;

  /** The domain's Unicode form, and whether processing found an error. */
  export function toUnicode(
    domainName: string,
    options?: Omit<Uts46Options, 'verifyDNSLength'>,
  ): { domain: string; error: boolean };
}
