import jsQR from 'jsqr';

/** Pixels per QR module when a terminal QR code is drawn as an image for jsQR. */
const SCALE = 4;
/** White border around the drawn code, in modules (a camera sees the terminal around it). */
const BORDER = 4;

/**
 * Reads a QR code printed to a terminal with half blocks and ANSI colours (the `qrcode`
 * package's small terminal output) as a phone's camera would see it on screen, and decodes it.
 * Each character is two modules, one above the other: `▀` inks the top one, `▄` the bottom one,
 * `█` both, a space neither; the ink is the foreground colour (black after `ESC[30m`, white
 * after `ESC[37m`), the rest is background (white, or the terminal's own outside the code).
 */
export function readTerminalQrCode(text: string): string | undefined {
  const rows: boolean[][] = [];
  for (const line of text.split('\n')) {
    const top: boolean[] = [];
    const bottom: boolean[] = [];
    let inkIsDark = false;
    // eslint-disable-next-line no-control-regex -- ANSI colour sequences start with ESC
    for (const token of line.match(/\x1b\[\d+m|[^\x1b]/gu) ?? []) {
      if (token === '\x1b[30m') inkIsDark = true;
      else if (token === '\x1b[37m' || token === '\x1b[0m') inkIsDark = false;
      else if (!token.startsWith('\x1b')) {
        top.push(inkIsDark && (token === '▀' || token === '█'));
        bottom.push(inkIsDark && (token === '▄' || token === '█'));
      }
    }
    if (top.length > 0) rows.push(top, bottom);
  }
  const width = Math.max(0, ...rows.map((row) => row.length)) + 2 * BORDER;
  const height = rows.length + 2 * BORDER;
  const pixels = new Uint8ClampedArray(width * SCALE * height * SCALE * 4).fill(255);
  rows.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (!dark) return;
      for (let dy = 0; dy < SCALE; dy++) {
        for (let dx = 0; dx < SCALE; dx++) {
          const at = (((y + BORDER) * SCALE + dy) * width * SCALE + (x + BORDER) * SCALE + dx) * 4;
          pixels.fill(0, at, at + 3);
        }
      }
    }),
  );
  return jsQR(pixels, width * SCALE, height * SCALE)?.data;
}
