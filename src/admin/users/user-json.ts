import type { UserAccount } from '../../accounts/users/user-account.service';

/** A password user as `users list --json` and `/admin/v1/users` show it. */
export function userJson(user: UserAccount) {
  return {
    username: user.username,
    sub: user.sub,
    status: user.disabledAt ? 'disabled' : 'active',
    created_at: user.createdAt,
    disabled_at: user.disabledAt ?? null,
  };
}
