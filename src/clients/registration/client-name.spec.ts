import { impersonatesService, skeletonOf } from './client-name';

describe('client names that impersonate the service', () => {
  it.each([
    'Proofgate (first-party) — official demo-client',
    'Proofgate',
    'proofgate login',
    'P r o o f-g a t e',
    'Ｐｒｏｏｆｇａｔｅ', // fullwidth
    '𝐏𝐫𝐨𝐨𝐟𝐠𝐚𝐭𝐞', // mathematical bold
    'Prооfgatе', // Cyrillic о, о, е
    'Prοofgаte', // Greek ο, Cyrillic а
    'PR00FGATE',
    'Próofgâte',
    'Pro\u200Bofgate', // a zero-width space between
    'First Party app',
    'first-party',
    'The 0ffic1al client',
    'Official',
  ])('refuses %j', (name) => {
    expect(impersonatesService(name)).toBe(true);
  });

  it.each(['My CLI', 'Calendar Sync', 'Claude Desktop', 'Registered MCP client', 'Gate keeper'])(
    'accepts %j',
    (name) => {
      expect(impersonatesService(name)).toBe(false);
    },
  );

  it('reads the letters a user sees', () => {
    expect(skeletonOf('Ｐrοof-Gate 2')).toBe('proofgate');
  });
});
