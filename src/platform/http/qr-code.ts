import { onFirstUse } from '../startup/on-first-use';

/** Loaded by the first page that shows a code (an identity wallet's sign-in). */
const qrcode = onFirstUse(() => import('qrcode'));

/**
 * `text` as a QR code (ISO/IEC 18004, error correction M, the standard four-module quiet zone), an
 * SVG image in a `data:` URL: a page shows it as an `<img>`, which the Content-Security-Policy's
 * `img-src 'self' data:` allows with no inline script or style, and an SVG in an `<img>` runs
 * nothing.
 */
export async function qrCodeDataUrl(text: string): Promise<string> {
  const { toString: qrSvg } = await qrcode();
  const svg = await qrSvg(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}
