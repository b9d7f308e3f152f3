/**
 * The English catalogue, which defines the message ids: ICU MessageFormat (FormatJS), keys by
 * page and purpose. `<strong>`, `<code>` and `<em>` are the only tags a message may hold
 * (PageLocale.html); a value is text, escaped, unless the page passes trusted HTML.
 */
export const en = {
  'frame.brand': 'Proofgate',
  'frame.title': '{title} · Proofgate',
  'frame.nav.models': 'Models',
  'frame.nav.demo': 'dApp demo',
  'frame.nav.sign_in': 'Sign in',
  'frame.nav.signed_in_as': 'Signed in as <strong>{subject}</strong>',
  'frame.nav.sign_out': 'Sign out',

  'login.title': 'Sign in',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.or': 'or',
  'login.email': 'Email',
  'login.email.submit': 'Email me a code',
  'login.provider': 'Sign in with {name}',
  'login.button.wallet': 'Sign in with {chain}',
  'login.button.passkey': 'Sign in with a passkey',
  'login.button.oid4vp': 'Sign in with your identity wallet',
  'login.signed_in': 'Signed in as <strong>{subject}</strong>.',
  'login.sign_out': 'Sign out',
  'login.pending': '{client} {clientId} asks you to sign in.',
  'login.pending.scopes': '{client} {clientId} asks you to sign in, for: {scopes}.',
  'login.cancel': 'Cancel and go back to {client}',
  'login.step_up.phr':
    'This application asks for a <strong>phishing-resistant</strong> sign-in ({acr}): sign in with a <strong>passkey</strong>. A password or a wallet signature does not meet it.',
  'login.step_up.phrh':
    'This application asks for a <strong>hardware-bound</strong> passkey ({acr}): sign in with a passkey held in a security key or a device this service trusts, whose key cannot be synced. A synced passkey, a password or a wallet signature does not meet it.',
  'login.step_up.offer':
    'This application asks for a <strong>phishing-resistant</strong> sign-in ({acr}): a <strong>passkey</strong> meets it. You may sign in another way: the application is then told that the sign-in was not phishing-resistant.',
  'login.step_up.continue': 'Continue as {subject} without a passkey',
  'login.error.missing':
    '{missing, select, username {Enter your username.} password {Enter your password.} other {Enter your username and password.}}',
  'login.error.invalid_credentials': 'Invalid username or password.',
  'login.error.too_many':
    '{unit, select, minutes {Too many failed sign-in attempts. Try again in {count, plural, one {# minute} other {# minutes}}.} other {Too many failed sign-in attempts. Try again in {count, plural, one {# second} other {# seconds}}.}}',
  'login.error.account_disabled':
    'This account is disabled: no sign-in method signs it in until an operator enables it again.',
  'login.error.method_removed':
    'This sign-in method was removed from the account while signing in; sign in with another one.',
  'login.error.csrf.missing_cookie':
    'Your browser did not send the login form’s security cookie. Make sure cookies are enabled, then sign in again.',
  'login.error.csrf.missing_token':
    'The login form’s security token is missing. Sign in again from this page.',
  'login.error.csrf.mismatch':
    'The login form’s security token does not match. Sign in again from this page.',
  'login.error.csrf.invalid':
    'The login form’s security token is not valid for this browser. Sign in again from this page.',

  'logout.confirm.title': 'Sign out?',
  'logout.confirm.asks':
    'An application asks to sign you out of Proofgate. You are signed in as <strong>{subject}</strong>.',
  'logout.confirm.client_asks':
    '<strong>{client}</strong> asks to sign you out of Proofgate. You are signed in as <strong>{subject}</strong>.',
  'logout.confirm.other_session':
    'The request was made for another sign-in than the one in this browser.',
  'logout.confirm.sign_out': 'Sign out',
  'logout.confirm.stay': 'Stay signed in',
  'logout.signed_out.title': 'Signed out',
  'logout.signed_out.heading': 'You are signed out',
  'logout.signed_out.close': 'You can close this window.',
  'logout.signed_out.return': 'Return to {client} ({host})',
  'logout.signed_out.return_unnamed': 'Return to the application ({host})',
  'logout.still_signed_in.title': 'Still signed in',
  'logout.still_signed_in.heading': 'You are still signed in',
  'logout.still_signed_in.account': 'Your account',
  'logout.error.title': 'Sign-out request rejected',
  'logout.error.text':
    'The application that sent you here asked Proofgate to sign you out with a request Proofgate cannot accept, so nothing was changed and you were not sent back to it.',
  'logout.error.home': 'Proofgate home',
  'not_found.title': 'Not found',
  'not_found.text': 'There is no page at {path} on this instance.',
  'not_found.home': 'Proofgate home',
  'error_page.title': 'Authorization error',
  'error_page.heading': 'Authorization request rejected',
  'error_page.unsafe':
    'The application that sent you here made a request Proofgate cannot safely answer, so you were not sent back to it.',
  'error_page.not_granted':
    'The application that sent you here made a request Proofgate did not grant. It registered itself with Proofgate, so you are not sent back to it automatically.',
  'error_page.return': 'Return to {host}',

  'consent.title': 'Allow access?',
  'consent.wants': '{client} {clientId} wants to:',
  'consent.self_asserted':
    'This application registered itself: its name, logo and pages are its own claims, not checked by Proofgate. Allow only an application you expected.',
  'consent.logo_alt': 'Logo of {client}',
  'consent.privacy_policy': 'Privacy policy',
  'consent.terms': 'Terms of service',
  'consent.client_pages': 'The application’s own pages: {links}',
  'consent.exactly': 'and, exactly:',
  'consent.already_allowed': 'Already allowed, kept:',
  'consent.resources':
    '{count, plural, one {at this server, not Proofgate’s own API (the access is for it):} other {at these # servers, not Proofgate’s own API (the access is for each of them):}}',
  'consent.signed_in_as':
    'Signed in as <strong>{subject}</strong>. Your answer is remembered for this application until it asks for more.',
  'consent.allow': 'Allow',
  'consent.deny': 'Deny',
  'consent.denied.title': 'Request denied',
  'consent.denied.heading': 'You denied the request',
  'consent.denied.text':
    '<strong>{client}</strong> gets nothing. It registered itself with Proofgate, so you are not sent back to it automatically.',
  'consent.scope.openid':
    'Sign you in with your Proofgate account (it learns who you are and when you signed in)',
  'consent.scope.profile': 'Know who you are (your account name)',
  'consent.scope.email': 'Know your email address, verified by a code sent to it',
  'consent.scope.api': 'Call the Proofgate API on your behalf',
  'consent.scope.account': 'Manage your sign-in methods: add or remove passkeys and linked wallets',
  'consent.scope.offline_access':
    'Keep this access while you are away, until you revoke it (a refresh token)',
  'consent.scope.identity':
    'Know your name and date of birth, as your identity wallet’s credential disclosed them',
  'consent.scope.age':
    'Know that you are over 18, as your identity wallet’s credential said, and nothing else',
  'consent.claim.name': 'Know your account name',
  'consent.claim.preferred_username': 'Know your username',
  'consent.claim.updated_at': 'Know when your sign-in methods last changed',
  'consent.claim.email': 'Know your email address',
  'consent.claim.email_verified': 'Know that your email address is verified',
  'consent.claim.given_name':
    'Know your given name, as your identity wallet’s credential disclosed it',
  'consent.claim.family_name':
    'Know your family name, as your identity wallet’s credential disclosed it',
  'consent.claim.birthdate':
    'Know your date of birth, as your identity wallet’s credential disclosed it',
  'consent.claim.age_over_18':
    'Know whether you are over 18, as your identity wallet’s credential said',

  'device.code.title': 'Connect a device',
  'device.code.intro': 'Type the code your device (a command line, a TV, an app) shows.',
  'device.code.label': 'Code',
  'device.code.continue': 'Continue',
  'device.signed_in_as': 'Signed in as <strong>{subject}</strong>.',
  'device.error.not_valid':
    'That code is not valid, or it has expired. Check the code your device shows.',
  'device.error.answered': 'That code has already been answered.',
  'device.confirm.title': 'Sign in a device?',
  'device.confirm.asks': '{client} {clientId} on a device asks to:',
  'device.confirm.self_asserted':
    'This application registered itself: its name is its own claim, not checked by Proofgate.',
  'device.confirm.resource': 'at {resource} (not Proofgate’s own API).',
  'device.confirm.compare': 'Check that your device shows this same code: {userCode}',
  'device.confirm.warning':
    'Confirm only if you started this yourself, on a device in front of you. If someone sent you this code, deny.',
  'device.confirm.approve': 'Confirm and sign in the device',
  'device.confirm.deny': 'Deny',
  'device.done.approved.title': 'Device signed in',
  'device.done.denied.title': 'Device denied',
  'device.done.approved':
    'Done: {client} is signing in on your device. You can close this page and go back to it.',
  'device.done.approved_unnamed':
    'Done: the application is signing in on your device. You can close this page and go back to it.',
  'device.done.denied': 'Denied: {client} was not given access. You can close this page.',
  'device.done.denied_unnamed':
    'Denied: the application was not given access. You can close this page.',

  'email.code.title': 'Check your inbox',
  'email.code.sent':
    'If the address can receive mail, a sign-in code is on its way. Enter it here, or open the link in the mail in this browser. Both work once, for {minutes, plural, one {# minute} other {# minutes}}.',
  'email.code.dev_mailbox':
    'This is a development instance: the mail is in the {mailbox}. Open its link in this browser, or copy its code here.',
  'email.code.dev_mailbox.link': 'development mailbox',
  'email.code.label': 'Code',
  'email.continue': 'Continue',
  'email.code.other_way': 'Use another address or way to sign in',
  'email.error.invalid_code':
    'This code is not valid here: it is wrong, expired or used, or was sent for another browser. Check the newest mail, or ask for a new code',
  'email.error.invalid_link':
    'This link is not valid here: it has expired or was used, or the code was asked for in another browser. Ask for a new code on the sign-in page.',
  'email.error.too_many':
    '{unit, select, minutes {Too many requests to sign in by email. Try again in {count, plural, one {# minute} other {# minutes}}.} other {Too many requests to sign in by email. Try again in {count, plural, one {# second} other {# seconds}}.}}',
  'email.link.title': 'Sign in by email',
  'email.link.intro':
    'Continue to sign in with the link from your mail. It works in the browser where you asked for the code.',
  'email.back_to_login': 'Back to the sign-in page',

  'mail.sign_in.subject': 'Your sign-in code for {host}',
  'mail.sign_in.intro': 'Your sign-in code for {host} is:',
  'mail.sign_in.enter':
    'Enter it on the page where you asked for it, or open this link in the same browser:',
  'mail.sign_in.link': 'Sign in to {host}',
  'mail.sign_in.rules':
    'The code and the link work once, for {minutes, plural, one {# minute} other {# minutes}}, and only in the browser that asked for them.',
  'mail.sign_in.ignore':
    'If you did not ask to sign in, ignore this mail, and never share the code with anyone.',

  'wallet_link.title': 'Link your identity wallet',
  'wallet_link.question':
    'Link this credential to the account {account}? It signs in to this account from then on.',
  'wallet_link.issued_by': 'Issued by',
  'wallet_link.type': 'Type',
  'wallet_link.name': 'Name',
  'wallet_link.born': 'Born',
  'wallet_link.warning':
    'Link it only if you presented it from your own wallet just now: if not, someone else answered your request, and linking would let them sign in to your account.',
  'wallet_link.confirm': 'Link it',
  'wallet_link.not_mine': 'Not mine: back to the account page',
  'wallet_link.back': 'Your account page',
  'wallet_link.refused.used':
    'This link has been used, or has expired. To link a wallet, start again from your account page.',
  'wallet_link.refused.other_account':
    'Nothing was linked: this browser is not signed in to the account that asked. If that account is yours, sign in to it here and link again from its account page; if not, someone else asked.',
  'wallet_link.refused.stale_login':
    'Nothing was linked: linking needs a recent sign-in on this device. Sign in again, then link again from your account page.',
  'wallet_link.refused.linked_elsewhere':
    'Nothing was linked: this credential already signs in to another account.',
  'wallet_link.refused.form':
    'This page’s security token is not valid for this browser. Open the link from your wallet again.',

  'account.title': 'Your account',
  'account.signed_in_as': 'Signed in as {subject}.',
  'account.methods.method': 'Method',
  'account.methods.key': 'Key',
  'account.methods.added': 'Added',
  'account.methods.actions': 'Actions',
  'account.method.type':
    '{type, select, password {Password} wallet {Wallet} passkey {Passkey} email {Email} upstream {Provider} credential {Identity credential} other {Other}}',
  'account.method.remove': 'Remove',
  'account.method.hardware_bound':
    '{bound, select, yes {hardware-bound} other {not hardware-bound}}',
  'account.method.issued_by': 'issued by {issuer} as {type}',
  'account.method.with_account': 'with the account',
  'account.method.not_recorded': 'not recorded',
  'account.change.this_device':
    'You signed in with a wallet on another device: to add or remove a sign-in method of this account, {link} (a sign-in proven on another device cannot change it).',
  'account.change.this_device.link': 'sign in again on this device',
  'account.change.stronger':
    'You signed in with an email code: to add or remove a sign-in method of this account, {link} (an email code alone cannot change it).',
  'account.change.stronger.link': 'sign in with its passkey, wallet or password',
  'account.change.passkey':
    'This account has a passkey: to add or remove a sign-in method, {link} (a password or wallet sign-in cannot change it).',
  'account.change.passkey.link': 'sign in with your passkey',
  'account.change.recent':
    'To add a sign-in method, {link} (a change of the account needs a recent login).',
  'account.change.recent.link': 'sign in again',
  'account.sign_out': 'Sign out',
  'account.add_passkey': 'Add a passkey',
  'account.link_wallet': 'Link {chain} wallet',
  'account.link_oid4vp': 'Link your identity wallet',
  'account.link_provider': 'Link {name}',
  'account.email.title': 'Add an email address',
  'account.email.intro':
    'Then sign in with a code sent to it too (a recovery: alone, it cannot change this account’s other methods).',
  'account.email.label': 'Email',
  'account.email.submit': 'Email me a code',
  'account.email.code_sent': 'A code is on its way to the address: enter it to add the address.',
  'account.email.code': 'Code',
  'account.email.confirm': 'Add the address',
  'account.password.title': 'Set a password',
  'account.password.intro':
    'Then sign in with this username and password too; the account stays the same.',
  'account.password.username': 'Username',
  'account.password.password':
    'Password (at least {min, plural, one {# character} other {# characters}})',
  'account.password.submit': 'Set a password',
  'account.activity.title': 'Where you are signed in',
  'account.activity.sessions': 'Login sessions (browsers)',
  'account.activity.signed_in_with': 'Signed in with',
  'account.activity.auth_method':
    '{method, select, password {Password} wallet {{chain} wallet} passkey {Passkey} email {Email code} upstream {Another provider} oid4vp {Identity wallet} other {{method}}}',
  'account.activity.method': 'Method',
  'account.activity.since': 'Since',
  'account.activity.until': 'Until',
  'account.activity.grants': 'Apps holding tokens of this account',
  'account.activity.app': 'App',
  'account.activity.scope': 'Scope',
  'account.activity.approvals': 'Requests waiting for your approval',
  'account.activity.approvals_note': '(apps that asked from elsewhere)',
  'account.activity.sign_out_everywhere_note':
    'Ends every session above and revokes every app’s tokens, this browser’s session included.',
  'account.activity.sign_out_everywhere': 'Sign out everywhere',
  'account.answers.caption': 'Your answers to requests from elsewhere (kept a year)',
  'account.answers.when': 'When',
  'account.answers.app': 'App',
  'account.answers.what': 'What (and its hash)',
  'account.answers.answer': 'Answer',
  'account.answers.proof': 'Proof',
  'account.answers.method':
    '{method, select, session {This account, signed in} passkey {Passkey} wallet {Wallet} other {{method}}}',
  'account.answers.decision': '{decision, select, approved {approved} other {denied}}',
  'account.signed_out.title': 'Signed out everywhere',
  'account.signed_out.text':
    'Signed out everywhere: every login session of the account ended and every grant revoked, this one included; sign in again to go on',
  'account.signed_out.counts': 'Login sessions ended: {sessions}. Grants revoked: {grants}.',
  'account.signed_out.sign_in_again': 'Sign in again',
  'account.refusal.username_taken': 'This username is taken; choose another',
  'account.refusal.password_already_set': 'This account has a password already',
  'account.refusal.method_already_linked':
    'This sign-in method is already linked to another account',
  'account.refusal.too_many_methods':
    'An account has at most {max} sign-in methods; remove one first',
  'account.refusal.last_method': 'An account keeps at least one sign-in method',
  'account.refusal.not_linked': 'The account has no such sign-in method',
  'account.refusal.own_wallet':
    'This wallet is the account’s own subject and always signs in to it; it is not removed',
  'account.refusal.own_provider':
    'This provider account is the account’s own subject and always signs in to it; it is not removed',
  'account.refusal.login_not_recent':
    'Changing the account needs a login at most {seconds, plural, one {# second} other {# seconds}} old; sign in again',
  'account.refusal.cross_device':
    'This session was signed in by a wallet on another device: changing the account’s sign-in methods needs a sign-in on this device; sign in again here',
  'account.refusal.email_alone':
    'This account has a passkey, a wallet or a password: a sign-in by email alone cannot change its sign-in methods; sign in with one of those first',
  'account.refusal.passkey_needed':
    'This account has a passkey: changing its sign-in methods needs a passkey sign-in; sign in again with the passkey',
  'account.refusal.hardware_passkey_needed':
    'This account has a hardware-bound passkey: changing its sign-in methods needs a sign-in with one; sign in again with it',
  'account.refusal.username_format':
    'username must be 1-64 characters of letters, digits and . _ @ + -, starting with a letter or digit',
  'account.refusal.username_reserved':
    'username must not start with "{prefix}" (reserved for registered clients)',
  'account.refusal.password_too_short':
    'password must be at least {min, plural, one {# character} other {# characters}}',
  'account.refusal.password_too_long':
    'password must be at most {max, plural, one {# character} other {# characters}}',
  'account.refusal.password_lines': 'password must be a single line',
  'account.refusal.username_is_subject':
    'This account is named {subject}: its password signs in with that username',
  'account.refusal.other': 'The change was refused: {description}',

  'approvals.title': 'Approvals',
  'approvals.intro':
    'Applications that asked to act for you from elsewhere (OpenID CIBA). Approve only what you expect, and check that the message matches the one the application shows.',
  'approvals.none': 'No request is waiting for you.',
  'approvals.unlisted':
    '<strong>Showing {listed} of {total} pending requests</strong>: answer these to see the rest.',
  'approvals.signed_in_as': 'Signed in as <strong>{subject}</strong>.',
  'approvals.account': 'Your account',
  'approvals.asks': '{client} {clientId} asks to:',
  'approvals.resource': "at {resource} (not Proofgate's own API).",
  'approvals.binding_message': 'Message: {message}',
  'approvals.passkey_only':
    'This request needs your passkey: it asks for what only a phishing-resistant sign-in may allow.',
  'approvals.details_need_proof':
    'Approving these details needs your passkey or wallet to sign them.',
  'approvals.approve': 'Approve',
  'approvals.approve_passkey': 'Approve with passkey',
  'approvals.approve_wallet': 'Approve with wallet',
  'approvals.deny': 'Deny',

  'mail.add_address.subject': 'Add this address to your account at {host}',
  'mail.add_address.intro': 'Your code to add this address to your account at {host} is:',
  'mail.add_address.enter':
    'Enter it where you asked for it. It works once, for {minutes, plural, one {# minute} other {# minutes}}.',
  'mail.add_address.ignore':
    'If you did not ask for it, ignore this mail, and never share the code with anyone.',

  'mail.ciba.subject': '{client} asks to act for you',
  'mail.ciba.asks': '{client} asks to act for you at {host}.',
  'mail.ciba.message': 'Its message: {message}',
  'mail.ciba.answer': 'Approve or deny it on {page} (sign in first if asked).',
  'mail.ciba.page': 'your approvals page',
  'mail.ciba.unexpected': 'If you did not expect this, deny it.',
  'mail.ciba.never_by_mail': 'Nobody from {host} will ever ask you to approve by mail or phone.',

  // The page scripts' texts (src/public/*.js, Proofgate.text): `{name}` arguments only.
  'script.signing_in': 'Signing in…',
  'script.signed_in': 'Signed in. Continuing…',
  'script.sign_in': 'Sign in',
  'script.unexpected_redirect': 'Unexpected redirect.',
  'script.wallet.none': 'No {chain} wallet found in this browser',
  'script.wallet.waiting': 'Waiting for your {chain} wallet…',
  'script.wallet.sign': 'Sign the message in your wallet…',
  'script.wallet.checking': 'Checking the signature…',
  'script.wallet.failed': 'Signing in with {chain} failed.',
  'script.wallet.cancelled': 'You cancelled the request in your wallet.',
  'script.wallet.no_account': 'The wallet did not share an account.',
  'script.wallet.no_chain_account': 'The wallet did not share a {chain} account.',
  'script.wallet.no_chain': 'The wallet did not name its chain.',
  'script.wallet.no_network': 'The wallet offers no {chain} network this page knows.',
  'script.wallet.signed_other': 'The wallet signed another text than the one issued.',
  'script.wallet.refused': 'The wallet refused {method}.',
  'script.passkey.waiting': 'Waiting for your passkey…',
  'script.passkey.failed': 'Signing in with a passkey failed.',
  'script.passkey.cancelled': 'The passkey request was cancelled or timed out.',
  'script.oid4vp.asking': 'Asking for a presentation request…',
  'script.oid4vp.open':
    'Open your identity wallet on this device, or scan the code with your phone…',
  'script.oid4vp.failed': 'Signing in with your identity wallet failed.',
  'script.oid4vp.open_link': 'Open the wallet on this device',
  'script.oid4vp.qr_alt':
    'QR code of the presentation request: scan it with the identity wallet on your phone',
  'script.oid4vp.expired': 'The request expired. Try again.',
  'script.oid4vp.expired_or_used': 'The request expired or was used. Try again.',
  'script.oid4vp.poll_failed': 'The poll answered {status}.',
  'script.oid4vp.linked': 'Linked.',
  'script.oid4vp.finish_elsewhere':
    'Your wallet answered. Finish in the browser it opened (signed in to this account): check the credential, then Link it.',
  'script.oid4vp.not_linked':
    'Not linked: the wallet declined, its credential signs in another account, or the browser it opened is not signed in to this account.',
  'script.oid4vp.declined': 'The wallet declined the request.',
  'script.account.passkey_waiting': 'Waiting for your authenticator…',
  'script.account.passkey_saving': 'Saving the passkey…',
  'script.account.passkey_failed': 'Adding a passkey failed.',
  'script.account.wallet_linking': 'Linking the wallet…',
  'script.account.wallet_failed': 'Linking the wallet failed.',
  'script.approval.waiting': 'Waiting for your proof…',
  'script.approval.approving': 'Approving…',
  'script.approval.approved': 'Approved.',
  'script.approval.failed': 'The approval failed.',
  'script.approval.no_wallet': 'No wallet found in this browser.',

  'upstream.refusal.unknown_provider':
    'There is no such sign-in provider here. Choose a way to sign in on this page.',
  'upstream.refusal.cancelled':
    'The sign-in was cancelled at the provider. Choose a way to sign in.',
  'upstream.refusal.refused':
    'The provider did not sign you in. Try again, or choose another way to sign in.',
  'upstream.refusal.state_unknown':
    'This sign-in did not start on this page, or it has expired. Start again from this page.',
  'upstream.refusal.state_expired':
    'The sign-in at the provider took too long. Start again from this page.',
  'upstream.refusal.state_used':
    'This sign-in was already completed or abandoned, and it counts once. Start again from this page.',
  'upstream.refusal.other_browser':
    'This sign-in was started in another browser, or this browser’s cookies were cleared since. Start again from this page, in this browser.',
  'upstream.refusal.mix_up':
    'The answer names another provider than the one this sign-in was sent to, so it was refused. Start again from this page.',
  'upstream.refusal.missing_iss':
    'The provider’s answer does not say which provider sent it, though this provider always says so, so it was refused. Start again from this page.',
  'upstream.refusal.id_token_invalid':
    'The provider’s ID token could not be verified (its signature, audience, expiry or nonce), so it was refused. Try again, or choose another way to sign in.',
  'upstream.refusal.provider_unavailable':
    'The provider could not be reached. Try again later, or choose another way to sign in.',
  'upstream.refusal.provider_answer_invalid':
    'The provider answered something that is not a valid sign-in. Try again later, or choose another way to sign in.',
  'upstream.refusal.too_many_accounts':
    'Too many new accounts were created from your network in the last hour. Try again later, or sign in with an account you already have.',
  'upstream.refusal.account_disabled':
    'This account is disabled. Contact the operator of this service.',
  'upstream.refusal.method_removed':
    'This provider account no longer signs in to the account it was linked to. Sign in another way.',
  'upstream.refusal.already_linked': 'This provider account is already linked to another account.',
  'upstream.refusal.too_many_methods':
    'This account has as many sign-in methods as it may have. Remove one first.',
  'upstream.refusal.link_needs_recent_sign_in':
    'Linking a provider account needs a recent sign-in of this account (with its passkey, if it has one). Sign in again, then link it.',
} as const;

export type MessageId = keyof typeof en;

/** A catalogue of another language: every id of `en`, no other (checked by the compiler). */
export type Catalogue = Record<MessageId, string>;
