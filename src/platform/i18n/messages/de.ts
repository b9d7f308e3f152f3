import type { Catalogue } from './en';

/** Deutsch. Passkey heißt hier, wie auf den Plattformen, „Passkey“. */
export const de = {
  'frame.brand': 'Proofgate',
  'frame.title': '{title} · Proofgate',
  'frame.nav.models': 'Modelle',
  'frame.nav.demo': 'dApp-Demo',
  'frame.nav.sign_in': 'Anmelden',
  'frame.nav.signed_in_as': 'Angemeldet als <strong>{subject}</strong>',
  'frame.nav.sign_out': 'Abmelden',

  'login.title': 'Anmelden',
  'login.username': 'Benutzername',
  'login.password': 'Passwort',
  'login.submit': 'Anmelden',
  'login.or': 'oder',
  'login.email': 'E-Mail',
  'login.email.submit': 'Code per E-Mail senden',
  'login.provider': 'Mit {name} anmelden',
  'login.button.wallet': 'Mit {chain} anmelden',
  'login.button.passkey': 'Mit einem Passkey anmelden',
  'login.button.oid4vp': 'Mit Ihrer Identitäts-Wallet anmelden',
  'login.signed_in': 'Angemeldet als <strong>{subject}</strong>.',
  'login.sign_out': 'Abmelden',
  'login.pending': '{client} {clientId} bittet Sie, sich anzumelden.',
  'login.pending.scopes': '{client} {clientId} bittet Sie, sich anzumelden, für: {scopes}.',
  'login.cancel': 'Abbrechen und zurück zu {client}',
  'login.step_up.phr':
    'Diese Anwendung verlangt eine <strong>Phishing-resistente</strong> Anmeldung ({acr}): Melden Sie sich mit einem <strong>Passkey</strong> an. Ein Passwort oder eine Wallet-Signatur genügt dafür nicht.',
  'login.step_up.phrh':
    'Diese Anwendung verlangt einen <strong>hardwaregebundenen</strong> Passkey ({acr}): Melden Sie sich mit einem Passkey an, der auf einem Sicherheitsschlüssel oder einem Gerät liegt, dem dieser Dienst vertraut, und dessen Schlüssel nicht synchronisiert werden kann. Ein synchronisierter Passkey, ein Passwort oder eine Wallet-Signatur genügt dafür nicht.',
  'login.step_up.offer':
    'Diese Anwendung bittet um eine <strong>Phishing-resistente</strong> Anmeldung ({acr}): Ein <strong>Passkey</strong> erfüllt sie. Sie können sich auch anders anmelden: Die Anwendung erfährt dann, dass die Anmeldung nicht Phishing-resistent war.',
  'login.step_up.continue': 'Als {subject} ohne Passkey fortfahren',
  'login.error.missing':
    '{missing, select, username {Geben Sie Ihren Benutzernamen ein.} password {Geben Sie Ihr Passwort ein.} other {Geben Sie Ihren Benutzernamen und Ihr Passwort ein.}}',
  'login.error.invalid_credentials': 'Benutzername oder Passwort ist falsch.',
  'login.error.too_many':
    '{unit, select, minutes {Zu viele fehlgeschlagene Anmeldeversuche. Versuchen Sie es in {count, plural, one {# Minute} other {# Minuten}} erneut.} other {Zu viele fehlgeschlagene Anmeldeversuche. Versuchen Sie es in {count, plural, one {# Sekunde} other {# Sekunden}} erneut.}}',
  'login.error.account_disabled':
    'Dieses Konto ist gesperrt: Keine Anmeldemethode meldet es an, bis ein Betreiber es wieder freigibt.',
  'login.error.method_removed':
    'Diese Anmeldemethode wurde während der Anmeldung aus dem Konto entfernt; melden Sie sich mit einer anderen an.',
  'login.error.csrf.missing_cookie':
    'Ihr Browser hat das Sicherheits-Cookie des Anmeldeformulars nicht gesendet. Prüfen Sie, ob Cookies erlaubt sind, und melden Sie sich erneut an.',
  'login.error.csrf.missing_token':
    'Das Sicherheitstoken des Anmeldeformulars fehlt. Melden Sie sich auf dieser Seite erneut an.',
  'login.error.csrf.mismatch':
    'Das Sicherheitstoken des Anmeldeformulars stimmt nicht überein. Melden Sie sich auf dieser Seite erneut an.',
  'login.error.csrf.invalid':
    'Das Sicherheitstoken des Anmeldeformulars gilt nicht für diesen Browser. Melden Sie sich auf dieser Seite erneut an.',

  'logout.confirm.title': 'Abmelden?',
  'logout.confirm.asks':
    'Eine Anwendung bittet darum, Sie von Proofgate abzumelden. Sie sind angemeldet als <strong>{subject}</strong>.',
  'logout.confirm.client_asks':
    '<strong>{client}</strong> bittet darum, Sie von Proofgate abzumelden. Sie sind angemeldet als <strong>{subject}</strong>.',
  'logout.confirm.other_session':
    'Die Anfrage gilt einer anderen Anmeldung als der in diesem Browser.',
  'logout.confirm.sign_out': 'Abmelden',
  'logout.confirm.stay': 'Angemeldet bleiben',
  'logout.signed_out.title': 'Abgemeldet',
  'logout.signed_out.heading': 'Sie sind abgemeldet',
  'logout.signed_out.close': 'Sie können dieses Fenster schließen.',
  'logout.signed_out.return': 'Zurück zu {client} ({host})',
  'logout.signed_out.return_unnamed': 'Zurück zur Anwendung ({host})',
  'logout.still_signed_in.title': 'Weiterhin angemeldet',
  'logout.still_signed_in.heading': 'Sie sind weiterhin angemeldet',
  'logout.still_signed_in.account': 'Ihr Konto',
  'logout.error.title': 'Abmeldeanfrage abgelehnt',
  'logout.error.text':
    'Die Anwendung, die Sie hierher geschickt hat, hat Proofgate mit einer Anfrage, die Proofgate nicht annehmen kann, gebeten, Sie abzumelden. Deshalb wurde nichts geändert, und Sie wurden nicht zu ihr zurückgeschickt.',
  'logout.error.home': 'Startseite von Proofgate',
  'not_found.title': 'Nicht gefunden',
  'not_found.text': 'Unter {path} gibt es auf dieser Instanz keine Seite.',
  'not_found.home': 'Startseite von Proofgate',
  'error_page.title': 'Autorisierungsfehler',
  'error_page.heading': 'Autorisierungsanfrage abgelehnt',
  'error_page.unsafe':
    'Die Anwendung, die Sie hierher geschickt hat, hat eine Anfrage gestellt, die Proofgate nicht sicher beantworten kann. Deshalb wurden Sie nicht zu ihr zurückgeschickt.',
  'error_page.not_granted':
    'Die Anwendung, die Sie hierher geschickt hat, hat eine Anfrage gestellt, die Proofgate nicht gewährt hat. Sie hat sich selbst bei Proofgate registriert, daher werden Sie nicht automatisch zu ihr zurückgeschickt.',
  'error_page.return': 'Zurück zu {host}',

  'consent.title': 'Zugriff erlauben?',
  'consent.wants': '{client} {clientId} möchte:',
  'consent.self_asserted':
    'Diese Anwendung hat sich selbst registriert: Name, Logo und Seiten sind ihre eigenen Angaben, von Proofgate nicht geprüft. Erlauben Sie nur eine Anwendung, die Sie erwartet haben.',
  'consent.logo_alt': 'Logo von {client}',
  'consent.privacy_policy': 'Datenschutzerklärung',
  'consent.terms': 'Nutzungsbedingungen',
  'consent.client_pages': 'Die eigenen Seiten der Anwendung: {links}',
  'consent.exactly': 'und zwar genau:',
  'consent.already_allowed': 'Bereits erlaubt, bleibt bestehen:',
  'consent.resources':
    '{count, plural, one {bei diesem Server, nicht bei Proofgates eigener API (der Zugriff gilt ihm):} other {bei diesen # Servern, nicht bei Proofgates eigener API (der Zugriff gilt jedem von ihnen):}}',
  'consent.signed_in_as':
    'Angemeldet als <strong>{subject}</strong>. Ihre Antwort bleibt für diese Anwendung gespeichert, bis sie um mehr bittet.',
  'consent.allow': 'Erlauben',
  'consent.deny': 'Ablehnen',
  'consent.denied.title': 'Anfrage abgelehnt',
  'consent.denied.heading': 'Sie haben die Anfrage abgelehnt',
  'consent.denied.text':
    '<strong>{client}</strong> erhält nichts. Die Anwendung hat sich selbst bei Proofgate registriert, daher werden Sie nicht automatisch zu ihr zurückgeschickt.',
  'consent.scope.openid':
    'Sie mit Ihrem Proofgate-Konto anmelden (sie erfährt, wer Sie sind und wann Sie sich angemeldet haben)',
  'consent.scope.profile': 'Wissen, wer Sie sind (Ihr Kontoname)',
  'consent.scope.email':
    'Ihre E-Mail-Adresse kennen, bestätigt durch einen dorthin gesendeten Code',
  'consent.scope.api': 'Die Proofgate-API in Ihrem Namen aufrufen',
  'consent.scope.account':
    'Ihre Anmeldemethoden verwalten: Passkeys und verknüpfte Wallets hinzufügen oder entfernen',
  'consent.scope.offline_access':
    'Diesen Zugriff behalten, während Sie nicht da sind, bis Sie ihn widerrufen (ein Refresh-Token)',
  'consent.scope.identity':
    'Ihren Namen und Ihr Geburtsdatum kennen, wie der Nachweis Ihrer Identitäts-Wallet sie offengelegt hat',
  'consent.scope.age':
    'Wissen, dass Sie über 18 sind, wie der Nachweis Ihrer Identitäts-Wallet sagt, und sonst nichts',
  'consent.claim.name': 'Ihren Kontonamen kennen',
  'consent.claim.preferred_username': 'Ihren Benutzernamen kennen',
  'consent.claim.updated_at': 'Wissen, wann sich Ihre Anmeldemethoden zuletzt geändert haben',
  'consent.claim.email': 'Ihre E-Mail-Adresse kennen',
  'consent.claim.email_verified': 'Wissen, dass Ihre E-Mail-Adresse bestätigt ist',
  'consent.claim.given_name':
    'Ihren Vornamen kennen, wie der Nachweis Ihrer Identitäts-Wallet ihn offengelegt hat',
  'consent.claim.family_name':
    'Ihren Nachnamen kennen, wie der Nachweis Ihrer Identitäts-Wallet ihn offengelegt hat',
  'consent.claim.birthdate':
    'Ihr Geburtsdatum kennen, wie der Nachweis Ihrer Identitäts-Wallet es offengelegt hat',
  'consent.claim.age_over_18':
    'Wissen, ob Sie über 18 sind, wie der Nachweis Ihrer Identitäts-Wallet sagt',

  'device.code.title': 'Gerät verbinden',
  'device.code.intro':
    'Geben Sie den Code ein, den Ihr Gerät (eine Kommandozeile, ein Fernseher, eine App) anzeigt.',
  'device.code.label': 'Code',
  'device.code.continue': 'Weiter',
  'device.signed_in_as': 'Angemeldet als <strong>{subject}</strong>.',
  'device.error.not_valid':
    'Dieser Code ist ungültig oder abgelaufen. Prüfen Sie den Code, den Ihr Gerät anzeigt.',
  'device.error.answered': 'Dieser Code wurde bereits beantwortet.',
  'device.confirm.title': 'Ein Gerät anmelden?',
  'device.confirm.asks': '{client} {clientId} auf einem Gerät möchte:',
  'device.confirm.self_asserted':
    'Diese Anwendung hat sich selbst registriert: Ihr Name ist ihre eigene Angabe, von Proofgate nicht geprüft.',
  'device.confirm.resource': 'bei {resource} (nicht Proofgates eigene API).',
  'device.confirm.compare': 'Prüfen Sie, ob Ihr Gerät genau diesen Code anzeigt: {userCode}',
  'device.confirm.warning':
    'Bestätigen Sie nur, wenn Sie dies selbst begonnen haben, auf einem Gerät vor Ihnen. Wenn Ihnen jemand diesen Code geschickt hat, lehnen Sie ab.',
  'device.confirm.approve': 'Bestätigen und Gerät anmelden',
  'device.confirm.deny': 'Ablehnen',
  'device.done.approved.title': 'Gerät angemeldet',
  'device.done.denied.title': 'Gerät abgelehnt',
  'device.done.approved':
    'Fertig: {client} meldet sich auf Ihrem Gerät an. Sie können diese Seite schließen und zum Gerät zurückkehren.',
  'device.done.approved_unnamed':
    'Fertig: Die Anwendung meldet sich auf Ihrem Gerät an. Sie können diese Seite schließen und zum Gerät zurückkehren.',
  'device.done.denied':
    'Abgelehnt: {client} hat keinen Zugriff erhalten. Sie können diese Seite schließen.',
  'device.done.denied_unnamed':
    'Abgelehnt: Die Anwendung hat keinen Zugriff erhalten. Sie können diese Seite schließen.',

  'email.code.title': 'Prüfen Sie Ihr Postfach',
  'email.code.sent':
    'Wenn die Adresse E-Mails empfangen kann, ist ein Anmeldecode unterwegs. Geben Sie ihn hier ein oder öffnen Sie den Link in der E-Mail in diesem Browser. Beides funktioniert einmal, {minutes, plural, one {# Minute} other {# Minuten}} lang.',
  'email.code.dev_mailbox':
    'Dies ist eine Entwicklungsinstanz: Die E-Mail liegt im {mailbox}. Öffnen Sie ihren Link in diesem Browser oder kopieren Sie ihren Code hierher.',
  'email.code.dev_mailbox.link': 'Entwicklungspostfach',
  'email.code.label': 'Code',
  'email.continue': 'Weiter',
  'email.code.other_way': 'Eine andere Adresse oder Anmeldeart verwenden',
  'email.error.invalid_code':
    'Dieser Code gilt hier nicht: Er ist falsch, abgelaufen oder verbraucht, oder er wurde für einen anderen Browser gesendet. Prüfen Sie die neueste E-Mail oder fordern Sie einen neuen Code an',
  'email.error.invalid_link':
    'Dieser Link gilt hier nicht: Er ist abgelaufen oder wurde schon verwendet, oder der Code wurde in einem anderen Browser angefordert. Fordern Sie auf der Anmeldeseite einen neuen Code an.',
  'email.error.too_many':
    '{unit, select, minutes {Zu viele Anfragen zur Anmeldung per E-Mail. Versuchen Sie es in {count, plural, one {# Minute} other {# Minuten}} erneut.} other {Zu viele Anfragen zur Anmeldung per E-Mail. Versuchen Sie es in {count, plural, one {# Sekunde} other {# Sekunden}} erneut.}}',
  'email.link.title': 'Per E-Mail anmelden',
  'email.link.intro':
    'Fahren Sie fort, um sich mit dem Link aus Ihrer E-Mail anzumelden. Er funktioniert in dem Browser, in dem Sie den Code angefordert haben.',
  'email.back_to_login': 'Zurück zur Anmeldeseite',

  'mail.sign_in.subject': 'Ihr Anmeldecode für {host}',
  'mail.sign_in.intro': 'Ihr Anmeldecode für {host} lautet:',
  'mail.sign_in.enter':
    'Geben Sie ihn auf der Seite ein, auf der Sie ihn angefordert haben, oder öffnen Sie diesen Link im selben Browser:',
  'mail.sign_in.link': 'Bei {host} anmelden',
  'mail.sign_in.rules':
    'Code und Link funktionieren einmal, {minutes, plural, one {# Minute} other {# Minuten}} lang, und nur in dem Browser, der sie angefordert hat.',
  'mail.sign_in.ignore':
    'Wenn Sie keine Anmeldung angefordert haben, ignorieren Sie diese E-Mail und geben Sie den Code niemals weiter.',

  'wallet_link.title': 'Identitäts-Wallet verknüpfen',
  'wallet_link.question':
    'Diesen Nachweis mit dem Konto {account} verknüpfen? Er meldet Sie von da an bei diesem Konto an.',
  'wallet_link.issued_by': 'Ausgestellt von',
  'wallet_link.type': 'Typ',
  'wallet_link.name': 'Name',
  'wallet_link.born': 'Geboren',
  'wallet_link.warning':
    'Verknüpfen Sie ihn nur, wenn Sie ihn gerade eben aus Ihrer eigenen Wallet vorgelegt haben: Andernfalls hat jemand anderes auf Ihre Anfrage geantwortet, und das Verknüpfen würde dieser Person die Anmeldung bei Ihrem Konto erlauben.',
  'wallet_link.confirm': 'Verknüpfen',
  'wallet_link.not_mine': 'Nicht meiner: zurück zur Kontoseite',
  'wallet_link.back': 'Ihre Kontoseite',
  'wallet_link.refused.used':
    'Dieser Link wurde schon verwendet oder ist abgelaufen. Um eine Wallet zu verknüpfen, beginnen Sie erneut auf Ihrer Kontoseite.',
  'wallet_link.refused.other_account':
    'Nichts wurde verknüpft: Dieser Browser ist nicht an dem Konto angemeldet, das angefragt hat. Ist es Ihr Konto, melden Sie sich hier an und verknüpfen Sie erneut auf seiner Kontoseite; wenn nicht, hat jemand anderes angefragt.',
  'wallet_link.refused.stale_login':
    'Nichts wurde verknüpft: Zum Verknüpfen ist eine kürzliche Anmeldung auf diesem Gerät nötig. Melden Sie sich erneut an und verknüpfen Sie dann erneut auf Ihrer Kontoseite.',
  'wallet_link.refused.linked_elsewhere':
    'Nichts wurde verknüpft: Dieser Nachweis meldet bereits bei einem anderen Konto an.',
  'wallet_link.refused.form':
    'Das Sicherheitstoken dieser Seite gilt nicht für diesen Browser. Öffnen Sie den Link aus Ihrer Wallet erneut.',

  'account.title': 'Ihr Konto',
  'account.signed_in_as': 'Angemeldet als {subject}.',
  'account.methods.method': 'Methode',
  'account.methods.key': 'Schlüssel',
  'account.methods.added': 'Hinzugefügt',
  'account.methods.actions': 'Aktionen',
  'account.method.type':
    '{type, select, password {Passwort} wallet {Wallet} passkey {Passkey} email {E-Mail} upstream {Anbieter} credential {Identitätsnachweis} other {Andere}}',
  'account.method.remove': 'Entfernen',
  'account.method.hardware_bound':
    '{bound, select, yes {hardwaregebunden} other {nicht hardwaregebunden}}',
  'account.method.issued_by': 'ausgestellt von {issuer} als {type}',
  'account.method.with_account': 'mit dem Konto',
  'account.method.not_recorded': 'nicht erfasst',
  'account.change.this_device':
    'Sie haben sich mit einer Wallet auf einem anderen Gerät angemeldet: Um eine Anmeldemethode dieses Kontos hinzuzufügen oder zu entfernen, {link} (eine auf einem anderen Gerät nachgewiesene Anmeldung kann es nicht ändern).',
  'account.change.this_device.link': 'melden Sie sich auf diesem Gerät erneut an',
  'account.change.stronger':
    'Sie haben sich mit einem E-Mail-Code angemeldet: Um eine Anmeldemethode dieses Kontos hinzuzufügen oder zu entfernen, {link} (ein E-Mail-Code allein kann es nicht ändern).',
  'account.change.stronger.link':
    'melden Sie sich mit seinem Passkey, seiner Wallet oder seinem Passwort an',
  'account.change.passkey':
    'Dieses Konto hat einen Passkey: Um eine Anmeldemethode hinzuzufügen oder zu entfernen, {link} (eine Anmeldung mit Passwort oder Wallet kann es nicht ändern).',
  'account.change.passkey.link': 'melden Sie sich mit Ihrem Passkey an',
  'account.change.recent':
    'Um eine Anmeldemethode hinzuzufügen, {link} (eine Änderung des Kontos verlangt eine frische Anmeldung).',
  'account.change.recent.link': 'melden Sie sich erneut an',
  'account.sign_out': 'Abmelden',
  'account.add_passkey': 'Passkey hinzufügen',
  'account.link_wallet': '{chain}-Wallet verknüpfen',
  'account.link_oid4vp': 'Identitäts-Wallet verknüpfen',
  'account.link_provider': '{name} verknüpfen',
  'account.email.title': 'E-Mail-Adresse hinzufügen',
  'account.email.intro':
    'Danach können Sie sich auch mit einem Code anmelden, der an sie gesendet wird (zur Wiederherstellung: Allein kann sie die anderen Methoden dieses Kontos nicht ändern).',
  'account.email.label': 'E-Mail',
  'account.email.submit': 'Code per E-Mail senden',
  'account.email.code_sent':
    'Ein Code ist an die Adresse unterwegs: Geben Sie ihn ein, um die Adresse hinzuzufügen.',
  'account.email.code': 'Code',
  'account.email.confirm': 'Adresse hinzufügen',
  'account.password.title': 'Passwort festlegen',
  'account.password.intro':
    'Danach können Sie sich auch mit diesem Benutzernamen und Passwort anmelden; das Konto bleibt dasselbe.',
  'account.password.username': 'Benutzername',
  'account.password.password':
    'Passwort (mindestens {min, plural, one {# Zeichen} other {# Zeichen}})',
  'account.password.submit': 'Passwort festlegen',
  'account.activity.title': 'Wo Sie angemeldet sind',
  'account.activity.sessions': 'Anmeldesitzungen (Browser)',
  'account.activity.signed_in_with': 'Angemeldet mit',
  'account.activity.auth_method':
    '{method, select, password {Passwort} wallet {{chain}-Wallet} passkey {Passkey} email {E-Mail-Code} upstream {Anderer Anbieter} oid4vp {Identitäts-Wallet} other {{method}}}',
  'account.activity.method': 'Methode',
  'account.activity.since': 'Seit',
  'account.activity.until': 'Bis',
  'account.activity.grants': 'Apps mit Tokens dieses Kontos',
  'account.activity.app': 'App',
  'account.activity.scope': 'Umfang',
  'account.activity.approvals': 'Anfragen, die auf Ihre Freigabe warten',
  'account.activity.approvals_note': '(Apps, die von anderswo gefragt haben)',
  'account.activity.sign_out_everywhere_note':
    'Beendet alle Sitzungen oben und widerruft die Tokens aller Apps, auch die Sitzung dieses Browsers.',
  'account.activity.sign_out_everywhere': 'Überall abmelden',
  'account.answers.caption': 'Ihre Antworten auf Anfragen von anderswo (ein Jahr lang aufbewahrt)',
  'account.answers.when': 'Wann',
  'account.answers.app': 'App',
  'account.answers.what': 'Was (und sein Hash)',
  'account.answers.answer': 'Antwort',
  'account.answers.proof': 'Nachweis',
  'account.answers.method':
    '{method, select, session {Dieses Konto, angemeldet} passkey {Passkey} wallet {Wallet} other {{method}}}',
  'account.answers.decision': '{decision, select, approved {freigegeben} other {abgelehnt}}',
  'account.signed_out.title': 'Überall abgemeldet',
  'account.signed_out.text':
    'Überall abgemeldet: Alle Anmeldesitzungen des Kontos wurden beendet und alle Berechtigungen widerrufen, auch diese; melden Sie sich erneut an, um fortzufahren',
  'account.signed_out.counts':
    'Beendete Anmeldesitzungen: {sessions}. Widerrufene Berechtigungen: {grants}.',
  'account.signed_out.sign_in_again': 'Erneut anmelden',
  'account.refusal.username_taken': 'Dieser Benutzername ist vergeben; wählen Sie einen anderen',
  'account.refusal.password_already_set': 'Dieses Konto hat bereits ein Passwort',
  'account.refusal.method_already_linked':
    'Diese Anmeldemethode ist bereits mit einem anderen Konto verknüpft',
  'account.refusal.too_many_methods':
    'Ein Konto hat höchstens {max} Anmeldemethoden; entfernen Sie zuerst eine',
  'account.refusal.last_method': 'Ein Konto behält immer mindestens eine Anmeldemethode',
  'account.refusal.not_linked': 'Das Konto hat keine solche Anmeldemethode',
  'account.refusal.own_wallet':
    'Diese Wallet ist das eigene Subjekt des Kontos und meldet es immer an; sie wird nicht entfernt',
  'account.refusal.own_provider':
    'Dieses Anbieterkonto ist das eigene Subjekt des Kontos und meldet es immer an; es wird nicht entfernt',
  'account.refusal.login_not_recent':
    'Eine Änderung des Kontos verlangt eine Anmeldung, die höchstens {seconds, plural, one {# Sekunde} other {# Sekunden}} zurückliegt; melden Sie sich erneut an',
  'account.refusal.cross_device':
    'Diese Sitzung wurde von einer Wallet auf einem anderen Gerät angemeldet: Eine Änderung der Anmeldemethoden des Kontos verlangt eine Anmeldung auf diesem Gerät; melden Sie sich hier erneut an',
  'account.refusal.email_alone':
    'Dieses Konto hat einen Passkey, eine Wallet oder ein Passwort: Eine Anmeldung allein per E-Mail kann seine Anmeldemethoden nicht ändern; melden Sie sich zuerst mit einer davon an',
  'account.refusal.passkey_needed':
    'Dieses Konto hat einen Passkey: Eine Änderung seiner Anmeldemethoden verlangt eine Anmeldung mit Passkey; melden Sie sich erneut mit dem Passkey an',
  'account.refusal.hardware_passkey_needed':
    'Dieses Konto hat einen hardwaregebundenen Passkey: Eine Änderung seiner Anmeldemethoden verlangt eine Anmeldung mit einem solchen; melden Sie sich erneut damit an',
  'account.refusal.username_format':
    'Der Benutzername muss 1 bis 64 Zeichen lang sein, aus Buchstaben, Ziffern und . _ @ + - bestehen und mit einem Buchstaben oder einer Ziffer beginnen',
  'account.refusal.username_reserved':
    'Der Benutzername darf nicht mit „{prefix}“ beginnen (für registrierte Clients reserviert)',
  'account.refusal.password_too_short':
    'Das Passwort muss mindestens {min, plural, one {# Zeichen} other {# Zeichen}} lang sein',
  'account.refusal.password_too_long':
    'Das Passwort darf höchstens {max, plural, one {# Zeichen} other {# Zeichen}} lang sein',
  'account.refusal.password_lines': 'Das Passwort muss aus einer einzigen Zeile bestehen',
  'account.refusal.username_is_subject':
    'Dieses Konto heißt {subject}: Sein Passwort meldet mit diesem Benutzernamen an',
  'account.refusal.other': 'Die Änderung wurde abgelehnt: {description}',

  'approvals.title': 'Freigaben',
  'approvals.intro':
    'Anwendungen, die von anderswo darum gebeten haben, für Sie zu handeln (OpenID CIBA). Geben Sie nur frei, was Sie erwarten, und prüfen Sie, ob die Nachricht mit der übereinstimmt, die die Anwendung anzeigt.',
  'approvals.none': 'Keine Anfrage wartet auf Sie.',
  'approvals.unlisted':
    '<strong>{listed} von {total} offenen Anfragen werden angezeigt</strong>: Beantworten Sie diese, um die übrigen zu sehen.',
  'approvals.signed_in_as': 'Angemeldet als <strong>{subject}</strong>.',
  'approvals.account': 'Ihr Konto',
  'approvals.asks': '{client} {clientId} möchte:',
  'approvals.resource': 'bei {resource} (nicht Proofgates eigene API).',
  'approvals.binding_message': 'Nachricht: {message}',
  'approvals.passkey_only':
    'Diese Anfrage braucht Ihren Passkey: Sie verlangt, was nur eine Phishing-resistente Anmeldung erlauben darf.',
  'approvals.details_need_proof':
    'Um diese Angaben freizugeben, müssen Sie sie mit Ihrem Passkey oder Ihrer Wallet signieren.',
  'approvals.approve': 'Freigeben',
  'approvals.approve_passkey': 'Mit Passkey freigeben',
  'approvals.approve_wallet': 'Mit Wallet freigeben',
  'approvals.deny': 'Ablehnen',

  'mail.add_address.subject': 'Diese Adresse zu Ihrem Konto bei {host} hinzufügen',
  'mail.add_address.intro':
    'Ihr Code, um diese Adresse zu Ihrem Konto bei {host} hinzuzufügen, lautet:',
  'mail.add_address.enter':
    'Geben Sie ihn dort ein, wo Sie ihn angefordert haben. Er funktioniert einmal, {minutes, plural, one {# Minute} other {# Minuten}} lang.',
  'mail.add_address.ignore':
    'Wenn Sie ihn nicht angefordert haben, ignorieren Sie diese E-Mail und geben Sie den Code niemals weiter.',

  'mail.ciba.subject': '{client} möchte in Ihrem Namen handeln',
  'mail.ciba.asks': '{client} möchte bei {host} in Ihrem Namen handeln.',
  'mail.ciba.message': 'Die Nachricht der Anwendung: {message}',
  'mail.ciba.answer':
    'Geben Sie die Anfrage auf {page} frei oder lehnen Sie sie ab (melden Sie sich zuerst an, wenn Sie dazu aufgefordert werden).',
  'mail.ciba.page': 'Ihrer Freigabeseite',
  'mail.ciba.unexpected': 'Wenn Sie das nicht erwartet haben, lehnen Sie ab.',
  'mail.ciba.never_by_mail':
    'Niemand von {host} wird Sie jemals per E-Mail oder Telefon um eine Freigabe bitten.',

  // The page scripts' texts (src/public/*.js, Proofgate.text): `{name}` arguments only.
  'script.signing_in': 'Anmeldung läuft…',
  'script.signed_in': 'Angemeldet. Es geht weiter…',
  'script.sign_in': 'Anmelden',
  'script.unexpected_redirect': 'Unerwartete Weiterleitung.',
  'script.wallet.none': 'Keine {chain}-Wallet in diesem Browser gefunden',
  'script.wallet.waiting': 'Warte auf Ihre {chain}-Wallet…',
  'script.wallet.sign': 'Signieren Sie die Nachricht in Ihrer Wallet…',
  'script.wallet.checking': 'Signatur wird geprüft…',
  'script.wallet.failed': 'Die Anmeldung mit {chain} ist fehlgeschlagen.',
  'script.wallet.cancelled': 'Sie haben die Anfrage in Ihrer Wallet abgebrochen.',
  'script.wallet.no_account': 'Die Wallet hat kein Konto freigegeben.',
  'script.wallet.no_chain_account': 'Die Wallet hat kein {chain}-Konto freigegeben.',
  'script.wallet.no_chain': 'Die Wallet hat ihre Chain nicht genannt.',
  'script.wallet.no_network': 'Die Wallet bietet kein {chain}-Netz an, das diese Seite kennt.',
  'script.wallet.signed_other': 'Die Wallet hat einen anderen Text signiert als den ausgegebenen.',
  'script.wallet.refused': 'Die Wallet hat {method} abgelehnt.',
  'script.passkey.waiting': 'Warte auf Ihren Passkey…',
  'script.passkey.failed': 'Die Anmeldung mit einem Passkey ist fehlgeschlagen.',
  'script.passkey.cancelled': 'Die Passkey-Anfrage wurde abgebrochen oder ist abgelaufen.',
  'script.oid4vp.asking': 'Präsentationsanfrage wird angefordert…',
  'script.oid4vp.open':
    'Öffnen Sie Ihre Identitäts-Wallet auf diesem Gerät oder scannen Sie den Code mit Ihrem Telefon…',
  'script.oid4vp.failed': 'Die Anmeldung mit Ihrer Identitäts-Wallet ist fehlgeschlagen.',
  'script.oid4vp.open_link': 'Wallet auf diesem Gerät öffnen',
  'script.oid4vp.qr_alt':
    'QR-Code der Präsentationsanfrage: Scannen Sie ihn mit der Identitäts-Wallet auf Ihrem Telefon',
  'script.oid4vp.expired': 'Die Anfrage ist abgelaufen. Versuchen Sie es erneut.',
  'script.oid4vp.expired_or_used':
    'Die Anfrage ist abgelaufen oder wurde schon verwendet. Versuchen Sie es erneut.',
  'script.oid4vp.poll_failed': 'Die Abfrage antwortete {status}.',
  'script.oid4vp.linked': 'Verknüpft.',
  'script.oid4vp.finish_elsewhere':
    'Ihre Wallet hat geantwortet. Schließen Sie im Browser ab, den sie geöffnet hat (an diesem Konto angemeldet): Prüfen Sie den Nachweis und verknüpfen Sie ihn dann.',
  'script.oid4vp.not_linked':
    'Nicht verknüpft: Die Wallet hat abgelehnt, ihr Nachweis meldet ein anderes Konto an, oder der Browser, den sie geöffnet hat, ist nicht an diesem Konto angemeldet.',
  'script.oid4vp.declined': 'Die Wallet hat die Anfrage abgelehnt.',
  'script.account.passkey_waiting': 'Warten auf Ihren Authenticator…',
  'script.account.passkey_saving': 'Der Passkey wird gespeichert…',
  'script.account.passkey_failed': 'Der Passkey konnte nicht hinzugefügt werden.',
  'script.account.wallet_linking': 'Die Wallet wird verknüpft…',
  'script.account.wallet_failed': 'Die Wallet konnte nicht verknüpft werden.',
  'script.approval.waiting': 'Warten auf Ihren Nachweis…',
  'script.approval.approving': 'Wird freigegeben…',
  'script.approval.approved': 'Freigegeben.',
  'script.approval.failed': 'Die Freigabe ist fehlgeschlagen.',
  'script.approval.no_wallet': 'In diesem Browser wurde keine Wallet gefunden.',

  'upstream.refusal.unknown_provider':
    'Diesen Anmeldeanbieter gibt es hier nicht. Wählen Sie auf dieser Seite eine Art der Anmeldung.',
  'upstream.refusal.cancelled':
    'Die Anmeldung wurde beim Anbieter abgebrochen. Wählen Sie eine Art der Anmeldung.',
  'upstream.refusal.refused':
    'Der Anbieter hat Sie nicht angemeldet. Versuchen Sie es erneut oder wählen Sie eine andere Art der Anmeldung.',
  'upstream.refusal.state_unknown':
    'Diese Anmeldung hat nicht auf dieser Seite begonnen oder ist abgelaufen. Beginnen Sie auf dieser Seite neu.',
  'upstream.refusal.state_expired':
    'Die Anmeldung beim Anbieter hat zu lange gedauert. Beginnen Sie auf dieser Seite neu.',
  'upstream.refusal.state_used':
    'Diese Anmeldung wurde bereits abgeschlossen oder abgebrochen und zählt nur einmal. Beginnen Sie auf dieser Seite neu.',
  'upstream.refusal.other_browser':
    'Diese Anmeldung wurde in einem anderen Browser begonnen, oder die Cookies dieses Browsers wurden inzwischen gelöscht. Beginnen Sie auf dieser Seite neu, in diesem Browser.',
  'upstream.refusal.mix_up':
    'Die Antwort nennt einen anderen Anbieter als den, an den diese Anmeldung geschickt wurde, und wurde daher abgelehnt. Beginnen Sie auf dieser Seite neu.',
  'upstream.refusal.missing_iss':
    'Die Antwort des Anbieters sagt nicht, welcher Anbieter sie gesendet hat, obwohl dieser Anbieter es immer sagt, und wurde daher abgelehnt. Beginnen Sie auf dieser Seite neu.',
  'upstream.refusal.id_token_invalid':
    'Das ID-Token des Anbieters ließ sich nicht prüfen (Signatur, Zielgruppe, Ablauf oder Nonce) und wurde daher abgelehnt. Versuchen Sie es erneut oder wählen Sie eine andere Art der Anmeldung.',
  'upstream.refusal.provider_unavailable':
    'Der Anbieter war nicht erreichbar. Versuchen Sie es später erneut oder wählen Sie eine andere Art der Anmeldung.',
  'upstream.refusal.provider_answer_invalid':
    'Die Antwort des Anbieters ist keine gültige Anmeldung. Versuchen Sie es später erneut oder wählen Sie eine andere Art der Anmeldung.',
  'upstream.refusal.too_many_accounts':
    'In der letzten Stunde wurden aus Ihrem Netz zu viele neue Konten angelegt. Versuchen Sie es später erneut oder melden Sie sich mit einem bestehenden Konto an.',
  'upstream.refusal.account_disabled':
    'Dieses Konto ist gesperrt. Wenden Sie sich an den Betreiber dieses Dienstes.',
  'upstream.refusal.method_removed':
    'Dieses Anbieterkonto meldet das verknüpfte Konto nicht mehr an. Melden Sie sich anders an.',
  'upstream.refusal.already_linked':
    'Dieses Anbieterkonto ist bereits mit einem anderen Konto verknüpft.',
  'upstream.refusal.too_many_methods':
    'Dieses Konto hat bereits so viele Anmeldemethoden, wie es haben darf. Entfernen Sie zuerst eine.',
  'upstream.refusal.link_needs_recent_sign_in':
    'Zum Verknüpfen eines Anbieterkontos ist eine kürzliche Anmeldung an diesem Konto nötig (mit seinem Passkey, falls es einen hat). Melden Sie sich erneut an und verknüpfen Sie es dann.',
} satisfies Catalogue;
