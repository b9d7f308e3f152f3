import type { Catalogue } from './en';

/** Français. Passkey se dit « clé d’accès », comme sur les plateformes. */
export const fr = {
  'frame.brand': 'Proofgate',
  'frame.title': '{title} · Proofgate',
  'frame.nav.models': 'Modèles',
  'frame.nav.demo': 'Démo dApp',
  'frame.nav.sign_in': 'Se connecter',
  'frame.nav.signed_in_as': 'Connecté en tant que <strong>{subject}</strong>',
  'frame.nav.sign_out': 'Se déconnecter',

  'login.title': 'Connexion',
  'login.username': 'Nom d’utilisateur',
  'login.password': 'Mot de passe',
  'login.submit': 'Se connecter',
  'login.or': 'ou',
  'login.email': 'E-mail',
  'login.email.submit': 'M’envoyer un code par e-mail',
  'login.provider': 'Se connecter avec {name}',
  'login.button.wallet': 'Se connecter avec {chain}',
  'login.button.passkey': 'Se connecter avec une clé d’accès',
  'login.button.oid4vp': 'Se connecter avec votre portefeuille d’identité',
  'login.signed_in': 'Connecté en tant que <strong>{subject}</strong>.',
  'login.sign_out': 'Se déconnecter',
  'login.pending': '{client} {clientId} vous demande de vous connecter.',
  'login.pending.scopes': '{client} {clientId} vous demande de vous connecter, pour : {scopes}.',
  'login.cancel': 'Annuler et revenir à {client}',
  'login.step_up.phr':
    'Cette application demande une connexion <strong>résistante à l’hameçonnage</strong> ({acr}) : connectez-vous avec une <strong>clé d’accès</strong>. Un mot de passe ou une signature de portefeuille ne suffit pas.',
  'login.step_up.phrh':
    'Cette application demande une clé d’accès <strong>liée au matériel</strong> ({acr}) : connectez-vous avec une clé d’accès conservée sur une clé de sécurité ou un appareil auquel ce service fait confiance, et dont la clé ne peut pas être synchronisée. Une clé d’accès synchronisée, un mot de passe ou une signature de portefeuille ne suffit pas.',
  'login.step_up.offer':
    'Cette application demande une connexion <strong>résistante à l’hameçonnage</strong> ({acr}) : une <strong>clé d’accès</strong> y répond. Vous pouvez vous connecter autrement : l’application apprend alors que la connexion n’était pas résistante à l’hameçonnage.',
  'login.step_up.continue': 'Continuer en tant que {subject} sans clé d’accès',
  'login.error.missing':
    '{missing, select, username {Saisissez votre nom d’utilisateur.} password {Saisissez votre mot de passe.} other {Saisissez votre nom d’utilisateur et votre mot de passe.}}',
  'login.error.invalid_credentials': 'Nom d’utilisateur ou mot de passe incorrect.',
  'login.error.too_many':
    '{unit, select, minutes {Trop de tentatives de connexion échouées. Réessayez dans {count, plural, one {# minute} other {# minutes}}.} other {Trop de tentatives de connexion échouées. Réessayez dans {count, plural, one {# seconde} other {# secondes}}.}}',
  'login.error.account_disabled':
    'Ce compte est désactivé : aucune méthode de connexion n’y donne accès tant qu’un opérateur ne l’a pas réactivé.',
  'login.error.method_removed':
    'Cette méthode de connexion a été retirée du compte pendant la connexion ; connectez-vous avec une autre.',
  'login.error.csrf.missing_cookie':
    'Votre navigateur n’a pas envoyé le cookie de sécurité du formulaire de connexion. Vérifiez que les cookies sont autorisés, puis reconnectez-vous.',
  'login.error.csrf.missing_token':
    'Le jeton de sécurité du formulaire de connexion manque. Reconnectez-vous depuis cette page.',
  'login.error.csrf.mismatch':
    'Le jeton de sécurité du formulaire de connexion ne correspond pas. Reconnectez-vous depuis cette page.',
  'login.error.csrf.invalid':
    'Le jeton de sécurité du formulaire de connexion n’est pas valable pour ce navigateur. Reconnectez-vous depuis cette page.',

  'logout.confirm.title': 'Se déconnecter ?',
  'logout.confirm.asks':
    'Une application demande à vous déconnecter de Proofgate. Vous êtes connecté en tant que <strong>{subject}</strong>.',
  'logout.confirm.client_asks':
    '<strong>{client}</strong> demande à vous déconnecter de Proofgate. Vous êtes connecté en tant que <strong>{subject}</strong>.',
  'logout.confirm.other_session': 'La demande vise une autre connexion que celle de ce navigateur.',
  'logout.confirm.sign_out': 'Se déconnecter',
  'logout.confirm.stay': 'Rester connecté',
  'logout.signed_out.title': 'Déconnecté',
  'logout.signed_out.heading': 'Vous êtes déconnecté',
  'logout.signed_out.close': 'Vous pouvez fermer cette fenêtre.',
  'logout.signed_out.return': 'Revenir à {client} ({host})',
  'logout.signed_out.return_unnamed': 'Revenir à l’application ({host})',
  'logout.still_signed_in.title': 'Toujours connecté',
  'logout.still_signed_in.heading': 'Vous êtes toujours connecté',
  'logout.still_signed_in.account': 'Votre compte',
  'logout.error.title': 'Demande de déconnexion rejetée',
  'logout.error.text':
    'L’application qui vous a envoyé ici a demandé à Proofgate de vous déconnecter par une requête que Proofgate ne peut pas accepter : rien n’a donc été modifié et vous n’avez pas été renvoyé vers elle.',
  'logout.error.home': 'Accueil de Proofgate',
  'not_found.title': 'Page introuvable',
  'not_found.text': 'Il n’y a pas de page à l’adresse {path} sur cette instance.',
  'not_found.home': 'Accueil de Proofgate',
  'error_page.title': 'Erreur d’autorisation',
  'error_page.heading': 'Demande d’autorisation refusée',
  'error_page.unsafe':
    'L’application qui vous a envoyé ici a fait une demande à laquelle Proofgate ne peut pas répondre sans risque ; vous n’y avez donc pas été renvoyé.',
  'error_page.not_granted':
    'L’application qui vous a envoyé ici a fait une demande que Proofgate n’a pas accordée. Elle s’est inscrite elle-même auprès de Proofgate ; vous n’y êtes donc pas renvoyé automatiquement.',
  'error_page.return': 'Revenir à {host}',

  'consent.title': 'Autoriser l’accès ?',
  'consent.wants': '{client} {clientId} souhaite :',
  'consent.self_asserted':
    'Cette application s’est inscrite elle-même : son nom, son logo et ses pages sont ses propres déclarations, non vérifiées par Proofgate. N’autorisez qu’une application que vous attendiez.',
  'consent.logo_alt': 'Logo de {client}',
  'consent.privacy_policy': 'Politique de confidentialité',
  'consent.terms': 'Conditions d’utilisation',
  'consent.client_pages': 'Les pages de l’application : {links}',
  'consent.exactly': 'et, précisément :',
  'consent.already_allowed': 'Déjà autorisé, conservé :',
  'consent.resources':
    '{count, plural, one {sur ce serveur, et non sur l’API de Proofgate (l’accès est pour lui) :} other {sur ces # serveurs, et non sur l’API de Proofgate (l’accès est pour chacun d’eux) :}}',
  'consent.signed_in_as':
    'Connecté en tant que <strong>{subject}</strong>. Votre réponse est retenue pour cette application jusqu’à ce qu’elle demande davantage.',
  'consent.allow': 'Autoriser',
  'consent.deny': 'Refuser',
  'consent.denied.title': 'Demande refusée',
  'consent.denied.heading': 'Vous avez refusé la demande',
  'consent.denied.text':
    '<strong>{client}</strong> n’obtient rien. Elle s’est inscrite elle-même auprès de Proofgate ; vous n’y êtes donc pas renvoyé automatiquement.',
  'consent.scope.openid':
    'Vous connecter avec votre compte Proofgate (elle apprend qui vous êtes et quand vous vous êtes connecté)',
  'consent.scope.profile': 'Savoir qui vous êtes (le nom de votre compte)',
  'consent.scope.email': 'Connaître votre adresse e-mail, vérifiée par un code qui y a été envoyé',
  'consent.scope.api': 'Appeler l’API Proofgate en votre nom',
  'consent.scope.account':
    'Gérer vos méthodes de connexion : ajouter ou retirer des clés d’accès et des portefeuilles liés',
  'consent.scope.offline_access':
    'Garder cet accès en votre absence, jusqu’à ce que vous le révoquiez (un jeton d’actualisation)',
  'consent.scope.identity':
    'Connaître votre nom et votre date de naissance, tels que l’attestation de votre portefeuille d’identité les a divulgués',
  'consent.scope.age':
    'Savoir que vous avez plus de 18 ans, comme l’a dit l’attestation de votre portefeuille d’identité, et rien d’autre',
  'consent.claim.name': 'Connaître le nom de votre compte',
  'consent.claim.preferred_username': 'Connaître votre nom d’utilisateur',
  'consent.claim.updated_at':
    'Savoir quand vos méthodes de connexion ont changé pour la dernière fois',
  'consent.claim.email': 'Connaître votre adresse e-mail',
  'consent.claim.email_verified': 'Savoir que votre adresse e-mail est vérifiée',
  'consent.claim.given_name':
    'Connaître votre prénom, tel que l’attestation de votre portefeuille d’identité l’a divulgué',
  'consent.claim.family_name':
    'Connaître votre nom de famille, tel que l’attestation de votre portefeuille d’identité l’a divulgué',
  'consent.claim.birthdate':
    'Connaître votre date de naissance, telle que l’attestation de votre portefeuille d’identité l’a divulguée',
  'consent.claim.age_over_18':
    'Savoir si vous avez plus de 18 ans, comme l’a dit l’attestation de votre portefeuille d’identité',

  'device.code.title': 'Connecter un appareil',
  'device.code.intro':
    'Saisissez le code qu’affiche votre appareil (une ligne de commande, une télévision, une application).',
  'device.code.label': 'Code',
  'device.code.continue': 'Continuer',
  'device.signed_in_as': 'Connecté en tant que <strong>{subject}</strong>.',
  'device.error.not_valid':
    'Ce code n’est pas valable, ou il a expiré. Vérifiez le code qu’affiche votre appareil.',
  'device.error.answered': 'Ce code a déjà reçu une réponse.',
  'device.confirm.title': 'Connecter un appareil ?',
  'device.confirm.asks': '{client} {clientId} sur un appareil demande à :',
  'device.confirm.self_asserted':
    'Cette application s’est inscrite elle-même : son nom est sa propre déclaration, non vérifiée par Proofgate.',
  'device.confirm.resource': 'sur {resource} (et non l’API de Proofgate).',
  'device.confirm.compare': 'Vérifiez que votre appareil affiche ce même code : {userCode}',
  'device.confirm.warning':
    'Ne confirmez que si vous l’avez lancé vous-même, sur un appareil devant vous. Si quelqu’un vous a envoyé ce code, refusez.',
  'device.confirm.approve': 'Confirmer et connecter l’appareil',
  'device.confirm.deny': 'Refuser',
  'device.done.approved.title': 'Appareil connecté',
  'device.done.denied.title': 'Appareil refusé',
  'device.done.approved':
    'C’est fait : {client} se connecte sur votre appareil. Vous pouvez fermer cette page et y revenir.',
  'device.done.approved_unnamed':
    'C’est fait : l’application se connecte sur votre appareil. Vous pouvez fermer cette page et y revenir.',
  'device.done.denied': 'Refusé : {client} n’a reçu aucun accès. Vous pouvez fermer cette page.',
  'device.done.denied_unnamed':
    'Refusé : l’application n’a reçu aucun accès. Vous pouvez fermer cette page.',

  'email.code.title': 'Consultez votre boîte de réception',
  'email.code.sent':
    'Si l’adresse peut recevoir des e-mails, un code de connexion est en route. Saisissez-le ici, ou ouvrez le lien de l’e-mail dans ce navigateur. L’un comme l’autre fonctionne une fois, pendant {minutes, plural, one {# minute} other {# minutes}}.',
  'email.code.dev_mailbox':
    'Ceci est une instance de développement : l’e-mail se trouve dans la {mailbox}. Ouvrez son lien dans ce navigateur, ou copiez son code ici.',
  'email.code.dev_mailbox.link': 'boîte aux lettres de développement',
  'email.code.label': 'Code',
  'email.continue': 'Continuer',
  'email.code.other_way': 'Utiliser une autre adresse ou un autre moyen de connexion',
  'email.error.invalid_code':
    'Ce code n’est pas valable ici : il est erroné, expiré ou déjà utilisé, ou il a été envoyé pour un autre navigateur. Consultez le dernier e-mail, ou demandez un nouveau code',
  'email.error.invalid_link':
    'Ce lien n’est pas valable ici : il a expiré ou a déjà été utilisé, ou le code a été demandé dans un autre navigateur. Demandez un nouveau code sur la page de connexion.',
  'email.error.too_many':
    '{unit, select, minutes {Trop de demandes de connexion par e-mail. Réessayez dans {count, plural, one {# minute} other {# minutes}}.} other {Trop de demandes de connexion par e-mail. Réessayez dans {count, plural, one {# seconde} other {# secondes}}.}}',
  'email.link.title': 'Connexion par e-mail',
  'email.link.intro':
    'Continuez pour vous connecter avec le lien de votre e-mail. Il fonctionne dans le navigateur où vous avez demandé le code.',
  'email.back_to_login': 'Retour à la page de connexion',

  'mail.sign_in.subject': 'Votre code de connexion pour {host}',
  'mail.sign_in.intro': 'Votre code de connexion pour {host} est :',
  'mail.sign_in.enter':
    'Saisissez-le sur la page où vous l’avez demandé, ou ouvrez ce lien dans le même navigateur :',
  'mail.sign_in.link': 'Se connecter à {host}',
  'mail.sign_in.rules':
    'Le code et le lien fonctionnent une fois, pendant {minutes, plural, one {# minute} other {# minutes}}, et seulement dans le navigateur qui les a demandés.',
  'mail.sign_in.ignore':
    'Si vous n’avez pas demandé à vous connecter, ignorez cet e-mail et ne communiquez jamais le code à personne.',

  'wallet_link.title': 'Lier votre portefeuille d’identité',
  'wallet_link.question':
    'Lier cette attestation au compte {account} ? Elle donnera ensuite accès à ce compte.',
  'wallet_link.issued_by': 'Émise par',
  'wallet_link.type': 'Type',
  'wallet_link.name': 'Nom',
  'wallet_link.born': 'Né(e) le',
  'wallet_link.warning':
    'Ne la liez que si vous venez de la présenter depuis votre propre portefeuille : sinon, quelqu’un d’autre a répondu à votre demande, et la lier lui permettrait de se connecter à votre compte.',
  'wallet_link.confirm': 'La lier',
  'wallet_link.not_mine': 'Ce n’est pas la mienne : retour à la page du compte',
  'wallet_link.back': 'Votre page de compte',
  'wallet_link.refused.used':
    'Ce lien a déjà été utilisé ou a expiré. Pour lier un portefeuille, recommencez depuis votre page de compte.',
  'wallet_link.refused.other_account':
    'Rien n’a été lié : ce navigateur n’est pas connecté au compte qui a fait la demande. Si ce compte est le vôtre, connectez-vous ici et liez à nouveau depuis sa page de compte ; sinon, quelqu’un d’autre a fait la demande.',
  'wallet_link.refused.stale_login':
    'Rien n’a été lié : lier demande une connexion récente sur cet appareil. Connectez-vous à nouveau, puis liez à nouveau depuis votre page de compte.',
  'wallet_link.refused.linked_elsewhere':
    'Rien n’a été lié : cette attestation donne déjà accès à un autre compte.',
  'wallet_link.refused.form':
    'Le jeton de sécurité de cette page n’est pas valable pour ce navigateur. Ouvrez à nouveau le lien depuis votre portefeuille.',

  'account.title': 'Votre compte',
  'account.signed_in_as': 'Connecté en tant que {subject}.',
  'account.methods.method': 'Méthode',
  'account.methods.key': 'Clé',
  'account.methods.added': 'Ajoutée',
  'account.methods.actions': 'Actions',
  'account.method.type':
    '{type, select, password {Mot de passe} wallet {Portefeuille} passkey {Clé d’accès} email {E-mail} upstream {Fournisseur} credential {Attestation d’identité} other {Autre}}',
  'account.method.remove': 'Supprimer',
  'account.method.hardware_bound':
    '{bound, select, yes {liée au matériel} other {non liée au matériel}}',
  'account.method.issued_by': 'émise par {issuer} comme {type}',
  'account.method.with_account': 'avec le compte',
  'account.method.not_recorded': 'non enregistrée',
  'account.change.this_device':
    'Vous vous êtes connecté avec un portefeuille sur un autre appareil : pour ajouter ou supprimer une méthode de connexion de ce compte, {link} (une connexion prouvée sur un autre appareil ne peut pas le modifier).',
  'account.change.this_device.link': 'reconnectez-vous sur cet appareil',
  'account.change.stronger':
    'Vous vous êtes connecté avec un code reçu par e-mail : pour ajouter ou supprimer une méthode de connexion de ce compte, {link} (un code par e-mail seul ne peut pas le modifier).',
  'account.change.stronger.link':
    'connectez-vous avec sa clé d’accès, son portefeuille ou son mot de passe',
  'account.change.passkey':
    'Ce compte a une clé d’accès : pour ajouter ou supprimer une méthode de connexion, {link} (une connexion par mot de passe ou par portefeuille ne peut pas le modifier).',
  'account.change.passkey.link': 'connectez-vous avec votre clé d’accès',
  'account.change.recent':
    'Pour ajouter une méthode de connexion, {link} (une modification du compte demande une connexion récente).',
  'account.change.recent.link': 'reconnectez-vous',
  'account.sign_out': 'Se déconnecter',
  'account.add_passkey': 'Ajouter une clé d’accès',
  'account.link_wallet': 'Associer un portefeuille {chain}',
  'account.link_oid4vp': 'Associer votre portefeuille d’identité',
  'account.link_provider': 'Associer {name}',
  'account.email.title': 'Ajouter une adresse e-mail',
  'account.email.intro':
    'Vous pourrez ensuite aussi vous connecter avec un code envoyé à cette adresse (une récupération : seule, elle ne peut pas modifier les autres méthodes de ce compte).',
  'account.email.label': 'E-mail',
  'account.email.submit': 'M’envoyer un code par e-mail',
  'account.email.code_sent':
    'Un code est en route vers l’adresse : saisissez-le pour ajouter l’adresse.',
  'account.email.code': 'Code',
  'account.email.confirm': 'Ajouter l’adresse',
  'account.password.title': 'Définir un mot de passe',
  'account.password.intro':
    'Vous pourrez ensuite aussi vous connecter avec ce nom d’utilisateur et ce mot de passe ; le compte reste le même.',
  'account.password.username': 'Nom d’utilisateur',
  'account.password.password':
    'Mot de passe (au moins {min, plural, one {# caractère} other {# caractères}})',
  'account.password.submit': 'Définir un mot de passe',
  'account.activity.title': 'Où vous êtes connecté',
  'account.activity.sessions': 'Sessions de connexion (navigateurs)',
  'account.activity.signed_in_with': 'Connecté avec',
  'account.activity.auth_method':
    '{method, select, password {Mot de passe} wallet {Portefeuille {chain}} passkey {Clé d’accès} email {Code par e-mail} upstream {Autre fournisseur} oid4vp {Portefeuille d’identité} other {{method}}}',
  'account.activity.method': 'Méthode',
  'account.activity.since': 'Depuis',
  'account.activity.until': 'Jusqu’au',
  'account.activity.grants': 'Applications détenant des jetons de ce compte',
  'account.activity.app': 'Application',
  'account.activity.scope': 'Portée',
  'account.activity.approvals': 'Demandes en attente de votre approbation',
  'account.activity.approvals_note': '(des applications qui ont demandé depuis ailleurs)',
  'account.activity.sign_out_everywhere_note':
    'Met fin à toutes les sessions ci-dessus et révoque les jetons de toutes les applications, y compris la session de ce navigateur.',
  'account.activity.sign_out_everywhere': 'Se déconnecter partout',
  'account.answers.caption': 'Vos réponses aux demandes venues d’ailleurs (conservées un an)',
  'account.answers.when': 'Quand',
  'account.answers.app': 'Application',
  'account.answers.what': 'Quoi (et son empreinte)',
  'account.answers.answer': 'Réponse',
  'account.answers.proof': 'Preuve',
  'account.answers.method':
    '{method, select, session {Ce compte, connecté} passkey {Clé d’accès} wallet {Portefeuille} other {{method}}}',
  'account.answers.decision': '{decision, select, approved {approuvée} other {refusée}}',
  'account.signed_out.title': 'Déconnecté partout',
  'account.signed_out.text':
    'Déconnecté partout : toutes les sessions de connexion du compte ont pris fin et toutes les autorisations ont été révoquées, y compris celle-ci ; reconnectez-vous pour continuer',
  'account.signed_out.counts':
    'Sessions de connexion terminées : {sessions}. Autorisations révoquées : {grants}.',
  'account.signed_out.sign_in_again': 'Se reconnecter',
  'account.refusal.username_taken': 'Ce nom d’utilisateur est déjà pris ; choisissez-en un autre',
  'account.refusal.password_already_set': 'Ce compte a déjà un mot de passe',
  'account.refusal.method_already_linked':
    'Cette méthode de connexion est déjà associée à un autre compte',
  'account.refusal.too_many_methods':
    'Un compte a au plus {max} méthodes de connexion ; supprimez-en une d’abord',
  'account.refusal.last_method': 'Un compte garde toujours au moins une méthode de connexion',
  'account.refusal.not_linked': 'Le compte n’a pas cette méthode de connexion',
  'account.refusal.own_wallet':
    'Ce portefeuille est le sujet même du compte et le connecte toujours ; il n’est pas supprimé',
  'account.refusal.own_provider':
    'Ce compte chez le fournisseur est le sujet même du compte et le connecte toujours ; il n’est pas supprimé',
  'account.refusal.login_not_recent':
    'Modifier le compte demande une connexion datant d’au plus {seconds, plural, one {# seconde} other {# secondes}} ; reconnectez-vous',
  'account.refusal.cross_device':
    'Cette session a été ouverte par un portefeuille sur un autre appareil : modifier les méthodes de connexion du compte demande une connexion sur cet appareil ; reconnectez-vous ici',
  'account.refusal.email_alone':
    'Ce compte a une clé d’accès, un portefeuille ou un mot de passe : une connexion par e-mail seule ne peut pas modifier ses méthodes de connexion ; connectez-vous d’abord avec l’un d’eux',
  'account.refusal.passkey_needed':
    'Ce compte a une clé d’accès : modifier ses méthodes de connexion demande une connexion avec une clé d’accès ; reconnectez-vous avec la clé d’accès',
  'account.refusal.hardware_passkey_needed':
    'Ce compte a une clé d’accès liée au matériel : modifier ses méthodes de connexion demande une connexion avec celle-ci ; reconnectez-vous avec elle',
  'account.refusal.username_format':
    'Le nom d’utilisateur doit compter de 1 à 64 caractères parmi les lettres, les chiffres et . _ @ + -, et commencer par une lettre ou un chiffre',
  'account.refusal.username_reserved':
    'Le nom d’utilisateur ne doit pas commencer par « {prefix} » (réservé aux clients enregistrés)',
  'account.refusal.password_too_short':
    'Le mot de passe doit compter au moins {min, plural, one {# caractère} other {# caractères}}',
  'account.refusal.password_too_long':
    'Le mot de passe doit compter au plus {max, plural, one {# caractère} other {# caractères}}',
  'account.refusal.password_lines': 'Le mot de passe doit tenir sur une seule ligne',
  'account.refusal.username_is_subject':
    'Ce compte s’appelle {subject} : son mot de passe se connecte avec ce nom d’utilisateur',
  'account.refusal.other': 'La modification a été refusée : {description}',

  'approvals.title': 'Approbations',
  'approvals.intro':
    'Des applications qui ont demandé depuis ailleurs à agir en votre nom (OpenID CIBA). N’approuvez que ce que vous attendez, et vérifiez que le message correspond à celui qu’affiche l’application.',
  'approvals.none': 'Aucune demande ne vous attend.',
  'approvals.unlisted':
    '<strong>{listed} demandes en attente affichées sur {total}</strong> : répondez à celles-ci pour voir les autres.',
  'approvals.signed_in_as': 'Connecté en tant que <strong>{subject}</strong>.',
  'approvals.account': 'Votre compte',
  'approvals.asks': '{client} {clientId} demande à :',
  'approvals.resource': 'sur {resource} (et non l’API de Proofgate).',
  'approvals.binding_message': 'Message : {message}',
  'approvals.passkey_only':
    'Cette demande requiert votre clé d’accès : elle demande ce que seule une connexion résistante à l’hameçonnage peut autoriser.',
  'approvals.details_need_proof':
    'Pour approuver ces détails, signez-les avec votre clé d’accès ou votre portefeuille.',
  'approvals.approve': 'Approuver',
  'approvals.approve_passkey': 'Approuver avec une clé d’accès',
  'approvals.approve_wallet': 'Approuver avec un portefeuille',
  'approvals.deny': 'Refuser',

  'mail.add_address.subject': 'Ajouter cette adresse à votre compte sur {host}',
  'mail.add_address.intro': 'Votre code pour ajouter cette adresse à votre compte sur {host} est :',
  'mail.add_address.enter':
    'Saisissez-le là où vous l’avez demandé. Il fonctionne une fois, pendant {minutes, plural, one {# minute} other {# minutes}}.',
  'mail.add_address.ignore':
    'Si vous ne l’avez pas demandé, ignorez cet e-mail et ne communiquez jamais le code à personne.',

  'mail.ciba.subject': '{client} demande à agir en votre nom',
  'mail.ciba.asks': '{client} demande à agir en votre nom sur {host}.',
  'mail.ciba.message': 'Son message : {message}',
  'mail.ciba.answer':
    'Approuvez ou refusez la demande sur {page} (connectez-vous d’abord si on vous le demande).',
  'mail.ciba.page': 'votre page d’approbations',
  'mail.ciba.unexpected': 'Si vous ne vous y attendiez pas, refusez-la.',
  'mail.ciba.never_by_mail':
    'Personne de {host} ne vous demandera jamais d’approuver par e-mail ou par téléphone.',

  // The page scripts' texts (src/public/*.js, Proofgate.text): `{name}` arguments only.
  'script.signing_in': 'Connexion en cours…',
  'script.signed_in': 'Connecté. Suite…',
  'script.sign_in': 'Se connecter',
  'script.unexpected_redirect': 'Redirection inattendue.',
  'script.wallet.none': 'Aucun portefeuille {chain} trouvé dans ce navigateur',
  'script.wallet.waiting': 'En attente de votre portefeuille {chain}…',
  'script.wallet.sign': 'Signez le message dans votre portefeuille…',
  'script.wallet.checking': 'Vérification de la signature…',
  'script.wallet.failed': 'La connexion avec {chain} a échoué.',
  'script.wallet.cancelled': 'Vous avez annulé la demande dans votre portefeuille.',
  'script.wallet.no_account': 'Le portefeuille n’a partagé aucun compte.',
  'script.wallet.no_chain_account': 'Le portefeuille n’a partagé aucun compte {chain}.',
  'script.wallet.no_chain': 'Le portefeuille n’a pas indiqué sa chaîne.',
  'script.wallet.no_network':
    'Le portefeuille ne propose aucun réseau {chain} connu de cette page.',
  'script.wallet.signed_other': 'Le portefeuille a signé un autre texte que celui émis.',
  'script.wallet.refused': 'Le portefeuille a refusé {method}.',
  'script.passkey.waiting': 'En attente de votre clé d’accès…',
  'script.passkey.failed': 'La connexion avec une clé d’accès a échoué.',
  'script.passkey.cancelled': 'La demande de clé d’accès a été annulée ou a expiré.',
  'script.oid4vp.asking': 'Demande de présentation en cours…',
  'script.oid4vp.open':
    'Ouvrez votre portefeuille d’identité sur cet appareil, ou scannez le code avec votre téléphone…',
  'script.oid4vp.failed': 'La connexion avec votre portefeuille d’identité a échoué.',
  'script.oid4vp.open_link': 'Ouvrir le portefeuille sur cet appareil',
  'script.oid4vp.qr_alt':
    'Code QR de la demande de présentation : scannez-le avec le portefeuille d’identité de votre téléphone',
  'script.oid4vp.expired': 'La demande a expiré. Réessayez.',
  'script.oid4vp.expired_or_used': 'La demande a expiré ou a déjà servi. Réessayez.',
  'script.oid4vp.poll_failed': 'L’interrogation a répondu {status}.',
  'script.oid4vp.linked': 'Lié.',
  'script.oid4vp.finish_elsewhere':
    'Votre portefeuille a répondu. Terminez dans le navigateur qu’il a ouvert (connecté à ce compte) : vérifiez l’attestation, puis liez-la.',
  'script.oid4vp.not_linked':
    'Non lié : le portefeuille a refusé, son attestation connecte un autre compte, ou le navigateur qu’il a ouvert n’est pas connecté à ce compte.',
  'script.oid4vp.declined': 'Le portefeuille a refusé la demande.',
  'script.account.passkey_waiting': 'En attente de votre authentificateur…',
  'script.account.passkey_saving': 'Enregistrement de la clé d’accès…',
  'script.account.passkey_failed': 'L’ajout de la clé d’accès a échoué.',
  'script.account.wallet_linking': 'Association du portefeuille…',
  'script.account.wallet_failed': 'L’association du portefeuille a échoué.',
  'script.approval.waiting': 'En attente de votre preuve…',
  'script.approval.approving': 'Approbation en cours…',
  'script.approval.approved': 'Approuvée.',
  'script.approval.failed': 'L’approbation a échoué.',
  'script.approval.no_wallet': 'Aucun portefeuille trouvé dans ce navigateur.',

  'upstream.refusal.unknown_provider':
    'Ce fournisseur de connexion n’existe pas ici. Choisissez un moyen de connexion sur cette page.',
  'upstream.refusal.cancelled':
    'La connexion a été annulée chez le fournisseur. Choisissez un moyen de connexion.',
  'upstream.refusal.refused':
    'Le fournisseur ne vous a pas connecté. Réessayez, ou choisissez un autre moyen de connexion.',
  'upstream.refusal.state_unknown':
    'Cette connexion n’a pas commencé sur cette page, ou elle a expiré. Recommencez depuis cette page.',
  'upstream.refusal.state_expired':
    'La connexion chez le fournisseur a pris trop de temps. Recommencez depuis cette page.',
  'upstream.refusal.state_used':
    'Cette connexion a déjà été menée à bien ou abandonnée, et elle ne compte qu’une fois. Recommencez depuis cette page.',
  'upstream.refusal.other_browser':
    'Cette connexion a commencé dans un autre navigateur, ou les cookies de ce navigateur ont été effacés depuis. Recommencez depuis cette page, dans ce navigateur.',
  'upstream.refusal.mix_up':
    'La réponse nomme un autre fournisseur que celui auquel cette connexion a été envoyée ; elle a donc été refusée. Recommencez depuis cette page.',
  'upstream.refusal.missing_iss':
    'La réponse du fournisseur ne dit pas quel fournisseur l’a envoyée, alors que celui-ci le dit toujours ; elle a donc été refusée. Recommencez depuis cette page.',
  'upstream.refusal.id_token_invalid':
    'Le jeton d’identité du fournisseur n’a pas pu être vérifié (signature, audience, expiration ou nonce) ; il a donc été refusé. Réessayez, ou choisissez un autre moyen de connexion.',
  'upstream.refusal.provider_unavailable':
    'Le fournisseur est injoignable. Réessayez plus tard, ou choisissez un autre moyen de connexion.',
  'upstream.refusal.provider_answer_invalid':
    'Le fournisseur a répondu autre chose qu’une connexion valable. Réessayez plus tard, ou choisissez un autre moyen de connexion.',
  'upstream.refusal.too_many_accounts':
    'Trop de nouveaux comptes ont été créés depuis votre réseau au cours de la dernière heure. Réessayez plus tard, ou connectez-vous avec un compte existant.',
  'upstream.refusal.account_disabled':
    'Ce compte est désactivé. Contactez l’opérateur de ce service.',
  'upstream.refusal.method_removed':
    'Ce compte du fournisseur ne donne plus accès au compte auquel il était lié. Connectez-vous autrement.',
  'upstream.refusal.already_linked': 'Ce compte du fournisseur est déjà lié à un autre compte.',
  'upstream.refusal.too_many_methods':
    'Ce compte a déjà autant de méthodes de connexion qu’il peut en avoir. Retirez-en une d’abord.',
  'upstream.refusal.link_needs_recent_sign_in':
    'Lier un compte de fournisseur demande une connexion récente à ce compte (avec sa clé d’accès, s’il en a une). Reconnectez-vous, puis liez-le.',
} satisfies Catalogue;
