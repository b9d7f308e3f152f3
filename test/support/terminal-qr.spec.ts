import QRCode from 'qrcode';
import { readTerminalQrCode } from './terminal-qr';

describe('readTerminalQrCode', () => {
  it.each([
    'http://127.0.0.1:26211/device?user_code=BCDF-GHJK',
    'https://auth.example.com/device?user_code=WXYZ-MNPQ&with=a-longer-query-for-a-larger-code',
  ])('reads back what the qrcode package printed for a terminal: %s', async (url) => {
    const printed = await QRCode.toString(url, { type: 'terminal', small: true });
    expect(readTerminalQrCode(printed)).toBe(url);
  });

  it('reads nothing from text that is no QR code', () => {
    expect(
      readTerminalQrCode('Open http://127.0.0.1/device\nthis code: BCDF-GHJK\n'),
    ).toBeUndefined();
  });
});
