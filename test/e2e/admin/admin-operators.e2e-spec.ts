/**
 * The operator role (issue #77): `proofgate-admin operators add|remove|list` grants it on the
 * command line only, `accounts show` and the admin API's account JSON say who holds it, the admin
 * API lists operators for admin:read and has no way to grant the role, and each change is on the
 * audit trail as the command line's.
 */
import { adminCli } from '../../support/admin-cli';
import { basic } from '../../support/oauth';
import { useTestApp } from '../../support/use-test-app';

const ADMIN = { id: 'ops-robot', secret: 'ops-robot-secret-1234' };

describe('operators (proofgate-admin operators, GET /admin/v1/operators)', () => {
  const t = useTestApp({
    OAUTH_CLIENTS: JSON.stringify([
      {
        client_id: ADMIN.id,
        client_secret: ADMIN.secret,
        grant_types: ['client_credentials'],
        admin_scopes: ['admin:read', 'admin:write'],
      },
    ]),
  });

  async function adminToken(): Promise<string> {
    const response = await t
      .http()
      .post('/token')
      .type('form')
      .set('Authorization', basic(ADMIN.id, ADMIN.secret))
      .send({ grant_type: 'client_credentials', scope: 'admin:read admin:write' })
      .expect(200);
    return (response.body as { access_token: string }).access_token;
  }

  it('grants, shows, lists and takes away the role on the command line, each on the trail', async () => {
    const added = await adminCli(t, ['operators', 'add', 'user0']);
    expect(added).toMatchObject({
      code: 0,
      stdout:
        'user0 is now an operator: it gets admin scopes in the console after a passkey sign-in.\n',
    });
    const again = await adminCli(t, ['--json', 'operators', 'add', 'user0']);
    expect(JSON.parse(again.stdout)).toMatchObject({ sub: 'user0', added: false });

    const shown = await adminCli(t, ['accounts', 'show', '--user', 'user0']);
    expect(shown.stdout).toMatch(/^Account:\s+user0\nOperator:\s+yes/);
    const other = await adminCli(t, ['--json', 'accounts', 'show', '--user', 'user1']);
    expect(JSON.parse(other.stdout)).toMatchObject({ sub: 'user1', operator: false });

    const listed = await adminCli(t, ['--json', 'operators', 'list']);
    expect(JSON.parse(listed.stdout)).toEqual([
      { sub: 'user0', granted_at: expect.any(String), granted_by: expect.stringMatching(/^cli:/) },
    ]);

    const token = await adminToken();
    const api = await t
      .http()
      .get('/admin/v1/operators')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(api.body).toEqual({
      items: [{ sub: 'user0', granted_at: expect.any(String), granted_by: expect.any(String) }],
      next: null,
    });
    const account = await t
      .http()
      .get('/admin/v1/accounts/user0')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(account.body).toMatchObject({ sub: 'user0', operator: true });

    const removed = await adminCli(t, ['operators', 'remove', 'user0']);
    expect(removed).toMatchObject({ code: 0, stdout: 'user0 is no longer an operator.\n' });
    expect(await adminCli(t, ['operators', 'remove', 'user0'])).toMatchObject({
      code: 1,
      stderr: 'proofgate-admin: account user0 is not an operator\n',
    });
    expect(JSON.parse((await adminCli(t, ['--json', 'operators', 'list'])).stdout)).toEqual([]);

    const trail = await t
      .http()
      .get('/admin/v1/audit?actor=cli')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    const actions = (trail.body as { items: { action: string; outcome: string }[] }).items.map(
      (record) => `${record.action} ${record.outcome}`,
    );
    expect(actions).toEqual([
      'operators.remove refused',
      'operators.remove done',
      'operators.add done',
      'operators.add done',
    ]);
  });

  it('refuses an account that does not exist, and has no admin API route that grants the role', async () => {
    expect(await adminCli(t, ['operators', 'add', 'nobody-here'])).toMatchObject({
      code: 1,
      stderr: 'proofgate-admin: no user or account nobody-here\n',
    });
    const token = await adminToken();
    // The list is read-only (405, RFC 9110 §15.5.6); there is no path for one operator (404).
    const answers: Array<{ status: number; allow: unknown }> = [];
    for (const path of ['/admin/v1/operators', '/admin/v1/operators/user0']) {
      const response = await t
        .http()
        .post(path)
        .set('Authorization', `Bearer ${token}`)
        .send({ sub: 'user0' });
      answers.push({ status: response.status, allow: response.headers.allow });
    }
    expect(answers).toEqual([
      { status: 405, allow: 'GET, HEAD' },
      { status: 404, allow: undefined },
    ]);
    expect(JSON.parse((await adminCli(t, ['--json', 'operators', 'list'])).stdout)).toEqual([]);
  });
});
