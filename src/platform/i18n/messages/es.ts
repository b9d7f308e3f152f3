import type { Catalogue } from './en';

/** Español. Passkey se dice «llave de acceso», como en las plataformas. */
export const es = {
  'frame.brand': 'Proofgate',
  'frame.title': '{title} · Proofgate',
  'frame.nav.models': 'Modelos',
  'frame.nav.demo': 'Demo de dApp',
  'frame.nav.sign_in': 'Iniciar sesión',
  'frame.nav.signed_in_as': 'Sesión iniciada como <strong>{subject}</strong>',
  'frame.nav.sign_out': 'Cerrar sesión',

  'login.title': 'Iniciar sesión',
  'login.username': 'Nombre de usuario',
  'login.password': 'Contraseña',
  'login.submit': 'Iniciar sesión',
  'login.or': 'o',
  'login.email': 'Correo electrónico',
  'login.email.submit': 'Enviarme un código por correo',
  'login.provider': 'Iniciar sesión con {name}',
  'login.button.wallet': 'Iniciar sesión con {chain}',
  'login.button.passkey': 'Iniciar sesión con una llave de acceso',
  'login.button.oid4vp': 'Iniciar sesión con tu cartera de identidad',
  'login.signed_in': 'Sesión iniciada como <strong>{subject}</strong>.',
  'login.sign_out': 'Cerrar sesión',
  'login.pending': '{client} {clientId} te pide que inicies sesión.',
  'login.pending.scopes': '{client} {clientId} te pide que inicies sesión, para: {scopes}.',
  'login.cancel': 'Cancelar y volver a {client}',
  'login.step_up.phr':
    'Esta aplicación pide un inicio de sesión <strong>resistente al phishing</strong> ({acr}): inicia sesión con una <strong>llave de acceso</strong>. Una contraseña o una firma de cartera no basta.',
  'login.step_up.phrh':
    'Esta aplicación pide una llave de acceso <strong>ligada al hardware</strong> ({acr}): inicia sesión con una llave de acceso guardada en una llave de seguridad o en un dispositivo en el que este servicio confía, cuya clave no se puede sincronizar. Una llave de acceso sincronizada, una contraseña o una firma de cartera no basta.',
  'login.step_up.offer':
    'Esta aplicación pide un inicio de sesión <strong>resistente al phishing</strong> ({acr}): una <strong>llave de acceso</strong> lo cumple. Puedes iniciar sesión de otra forma: la aplicación sabrá entonces que el inicio de sesión no fue resistente al phishing.',
  'login.step_up.continue': 'Continuar como {subject} sin llave de acceso',
  'login.error.missing':
    '{missing, select, username {Escribe tu nombre de usuario.} password {Escribe tu contraseña.} other {Escribe tu nombre de usuario y tu contraseña.}}',
  'login.error.invalid_credentials': 'Nombre de usuario o contraseña incorrectos.',
  'login.error.too_many':
    '{unit, select, minutes {Demasiados intentos fallidos de inicio de sesión. Vuelve a intentarlo en {count, plural, one {# minuto} other {# minutos}}.} other {Demasiados intentos fallidos de inicio de sesión. Vuelve a intentarlo en {count, plural, one {# segundo} other {# segundos}}.}}',
  'login.error.account_disabled':
    'Esta cuenta está desactivada: ningún método de inicio de sesión da acceso a ella hasta que un operador la vuelva a activar.',
  'login.error.method_removed':
    'Este método de inicio de sesión se quitó de la cuenta mientras iniciabas sesión; inicia sesión con otro.',
  'login.error.csrf.missing_cookie':
    'Tu navegador no envió la cookie de seguridad del formulario de inicio de sesión. Comprueba que las cookies estén permitidas y vuelve a iniciar sesión.',
  'login.error.csrf.missing_token':
    'Falta el token de seguridad del formulario de inicio de sesión. Vuelve a iniciar sesión desde esta página.',
  'login.error.csrf.mismatch':
    'El token de seguridad del formulario de inicio de sesión no coincide. Vuelve a iniciar sesión desde esta página.',
  'login.error.csrf.invalid':
    'El token de seguridad del formulario de inicio de sesión no es válido para este navegador. Vuelve a iniciar sesión desde esta página.',

  'logout.confirm.title': '¿Cerrar sesión?',
  'logout.confirm.asks':
    'Una aplicación pide cerrar tu sesión en Proofgate. Has iniciado sesión como <strong>{subject}</strong>.',
  'logout.confirm.client_asks':
    '<strong>{client}</strong> pide cerrar tu sesión en Proofgate. Has iniciado sesión como <strong>{subject}</strong>.',
  'logout.confirm.other_session':
    'La solicitud se hizo para otro inicio de sesión distinto del de este navegador.',
  'logout.confirm.sign_out': 'Cerrar sesión',
  'logout.confirm.stay': 'Mantener la sesión',
  'logout.signed_out.title': 'Sesión cerrada',
  'logout.signed_out.heading': 'Has cerrado sesión',
  'logout.signed_out.close': 'Puedes cerrar esta ventana.',
  'logout.signed_out.return': 'Volver a {client} ({host})',
  'logout.signed_out.return_unnamed': 'Volver a la aplicación ({host})',
  'logout.still_signed_in.title': 'Sesión mantenida',
  'logout.still_signed_in.heading': 'Sigues con la sesión iniciada',
  'logout.still_signed_in.account': 'Tu cuenta',
  'logout.error.title': 'Solicitud de cierre de sesión rechazada',
  'logout.error.text':
    'La aplicación que te envió aquí pidió a Proofgate que cerrara tu sesión con una solicitud que Proofgate no puede aceptar, así que no se cambió nada y no se te devolvió a ella.',
  'logout.error.home': 'Inicio de Proofgate',
  'not_found.title': 'No encontrado',
  'not_found.text': 'No hay ninguna página en {path} en esta instancia.',
  'not_found.home': 'Inicio de Proofgate',
  'error_page.title': 'Error de autorización',
  'error_page.heading': 'Solicitud de autorización rechazada',
  'error_page.unsafe':
    'La aplicación que te envió aquí hizo una solicitud que Proofgate no puede responder de forma segura, así que no se te devolvió a ella.',
  'error_page.not_granted':
    'La aplicación que te envió aquí hizo una solicitud que Proofgate no concedió. Se registró por su cuenta en Proofgate, así que no se te devuelve a ella automáticamente.',
  'error_page.return': 'Volver a {host}',

  'consent.title': '¿Permitir el acceso?',
  'consent.wants': '{client} {clientId} quiere:',
  'consent.self_asserted':
    'Esta aplicación se registró por su cuenta: su nombre, su logotipo y sus páginas son afirmaciones suyas, no comprobadas por Proofgate. Permite solo una aplicación que esperabas.',
  'consent.logo_alt': 'Logotipo de {client}',
  'consent.privacy_policy': 'Política de privacidad',
  'consent.terms': 'Condiciones del servicio',
  'consent.client_pages': 'Las páginas de la aplicación: {links}',
  'consent.exactly': 'y, exactamente:',
  'consent.already_allowed': 'Ya permitido, se mantiene:',
  'consent.resources':
    '{count, plural, one {en este servidor, no en la API de Proofgate (el acceso es para él):} other {en estos # servidores, no en la API de Proofgate (el acceso es para cada uno de ellos):}}',
  'consent.signed_in_as':
    'Sesión iniciada como <strong>{subject}</strong>. Tu respuesta se recuerda para esta aplicación hasta que pida más.',
  'consent.allow': 'Permitir',
  'consent.deny': 'Denegar',
  'consent.denied.title': 'Solicitud denegada',
  'consent.denied.heading': 'Has denegado la solicitud',
  'consent.denied.text':
    '<strong>{client}</strong> no obtiene nada. Se registró por su cuenta en Proofgate, así que no se te devuelve a ella automáticamente.',
  'consent.scope.openid':
    'Iniciar tu sesión con tu cuenta de Proofgate (sabrá quién eres y cuándo iniciaste sesión)',
  'consent.scope.profile': 'Saber quién eres (el nombre de tu cuenta)',
  'consent.scope.email': 'Conocer tu dirección de correo, verificada con un código enviado a ella',
  'consent.scope.api': 'Llamar a la API de Proofgate en tu nombre',
  'consent.scope.account':
    'Gestionar tus métodos de inicio de sesión: añadir o quitar llaves de acceso y carteras vinculadas',
  'consent.scope.offline_access':
    'Mantener este acceso mientras no estás, hasta que lo revoques (un token de actualización)',
  'consent.scope.identity':
    'Conocer tu nombre y tu fecha de nacimiento, tal como los reveló la credencial de tu cartera de identidad',
  'consent.scope.age':
    'Saber que eres mayor de 18 años, como dijo la credencial de tu cartera de identidad, y nada más',
  'consent.claim.name': 'Conocer el nombre de tu cuenta',
  'consent.claim.preferred_username': 'Conocer tu nombre de usuario',
  'consent.claim.updated_at':
    'Saber cuándo cambiaron por última vez tus métodos de inicio de sesión',
  'consent.claim.email': 'Conocer tu dirección de correo',
  'consent.claim.email_verified': 'Saber que tu dirección de correo está verificada',
  'consent.claim.given_name':
    'Conocer tu nombre de pila, tal como lo reveló la credencial de tu cartera de identidad',
  'consent.claim.family_name':
    'Conocer tus apellidos, tal como los reveló la credencial de tu cartera de identidad',
  'consent.claim.birthdate':
    'Conocer tu fecha de nacimiento, tal como la reveló la credencial de tu cartera de identidad',
  'consent.claim.age_over_18':
    'Saber si eres mayor de 18 años, como dijo la credencial de tu cartera de identidad',

  'device.code.title': 'Conectar un dispositivo',
  'device.code.intro':
    'Escribe el código que muestra tu dispositivo (una línea de comandos, una televisión, una aplicación).',
  'device.code.label': 'Código',
  'device.code.continue': 'Continuar',
  'device.signed_in_as': 'Sesión iniciada como <strong>{subject}</strong>.',
  'device.error.not_valid':
    'Ese código no es válido o ha caducado. Comprueba el código que muestra tu dispositivo.',
  'device.error.answered': 'Ese código ya se respondió.',
  'device.confirm.title': '¿Iniciar sesión en un dispositivo?',
  'device.confirm.asks': '{client} {clientId} en un dispositivo pide:',
  'device.confirm.self_asserted':
    'Esta aplicación se registró por su cuenta: su nombre es una afirmación suya, no comprobada por Proofgate.',
  'device.confirm.resource': 'en {resource} (no en la API de Proofgate).',
  'device.confirm.compare': 'Comprueba que tu dispositivo muestra este mismo código: {userCode}',
  'device.confirm.warning':
    'Confirma solo si lo iniciaste tú, en un dispositivo que tienes delante. Si alguien te envió este código, deniégalo.',
  'device.confirm.approve': 'Confirmar e iniciar sesión en el dispositivo',
  'device.confirm.deny': 'Denegar',
  'device.done.approved.title': 'Dispositivo con sesión iniciada',
  'device.done.denied.title': 'Dispositivo denegado',
  'device.done.approved':
    'Listo: {client} está iniciando sesión en tu dispositivo. Puedes cerrar esta página y volver a él.',
  'device.done.approved_unnamed':
    'Listo: la aplicación está iniciando sesión en tu dispositivo. Puedes cerrar esta página y volver a él.',
  'device.done.denied': 'Denegado: {client} no obtuvo acceso. Puedes cerrar esta página.',
  'device.done.denied_unnamed':
    'Denegado: la aplicación no obtuvo acceso. Puedes cerrar esta página.',

  'email.code.title': 'Revisa tu bandeja de entrada',
  'email.code.sent':
    'Si la dirección puede recibir correo, hay un código de inicio de sesión en camino. Escríbelo aquí o abre el enlace del correo en este navegador. Ambos sirven una vez, durante {minutes, plural, one {# minuto} other {# minutos}}.',
  'email.code.dev_mailbox':
    'Esta es una instancia de desarrollo: el correo está en el {mailbox}. Abre su enlace en este navegador o copia aquí su código.',
  'email.code.dev_mailbox.link': 'buzón de desarrollo',
  'email.code.label': 'Código',
  'email.continue': 'Continuar',
  'email.code.other_way': 'Usar otra dirección u otra forma de iniciar sesión',
  'email.error.invalid_code':
    'Este código no es válido aquí: es incorrecto, ha caducado o ya se usó, o se envió para otro navegador. Revisa el correo más reciente o pide un código nuevo',
  'email.error.invalid_link':
    'Este enlace no es válido aquí: ha caducado o ya se usó, o el código se pidió en otro navegador. Pide un código nuevo en la página de inicio de sesión.',
  'email.error.too_many':
    '{unit, select, minutes {Demasiadas solicitudes de inicio de sesión por correo. Vuelve a intentarlo en {count, plural, one {# minuto} other {# minutos}}.} other {Demasiadas solicitudes de inicio de sesión por correo. Vuelve a intentarlo en {count, plural, one {# segundo} other {# segundos}}.}}',
  'email.link.title': 'Iniciar sesión por correo',
  'email.link.intro':
    'Continúa para iniciar sesión con el enlace de tu correo. Funciona en el navegador en el que pediste el código.',
  'email.back_to_login': 'Volver a la página de inicio de sesión',

  'mail.sign_in.subject': 'Tu código de inicio de sesión para {host}',
  'mail.sign_in.intro': 'Tu código de inicio de sesión para {host} es:',
  'mail.sign_in.enter':
    'Escríbelo en la página donde lo pediste o abre este enlace en el mismo navegador:',
  'mail.sign_in.link': 'Iniciar sesión en {host}',
  'mail.sign_in.rules':
    'El código y el enlace sirven una vez, durante {minutes, plural, one {# minuto} other {# minutos}}, y solo en el navegador que los pidió.',
  'mail.sign_in.ignore':
    'Si no pediste iniciar sesión, ignora este correo y no compartas nunca el código con nadie.',

  'wallet_link.title': 'Vincular tu cartera de identidad',
  'wallet_link.question':
    '¿Vincular esta credencial a la cuenta {account}? A partir de entonces inicia sesión en esta cuenta.',
  'wallet_link.issued_by': 'Emitida por',
  'wallet_link.type': 'Tipo',
  'wallet_link.name': 'Nombre',
  'wallet_link.born': 'Fecha de nacimiento',
  'wallet_link.warning':
    'Vincúlala solo si acabas de presentarla desde tu propia cartera: si no, otra persona respondió a tu solicitud, y vincularla le permitiría iniciar sesión en tu cuenta.',
  'wallet_link.confirm': 'Vincularla',
  'wallet_link.not_mine': 'No es mía: volver a la página de la cuenta',
  'wallet_link.back': 'Tu página de cuenta',
  'wallet_link.refused.used':
    'Este enlace ya se usó o ha caducado. Para vincular una cartera, vuelve a empezar desde tu página de cuenta.',
  'wallet_link.refused.other_account':
    'No se vinculó nada: este navegador no tiene sesión iniciada en la cuenta que lo pidió. Si esa cuenta es tuya, inicia sesión en ella aquí y vuelve a vincular desde su página de cuenta; si no, lo pidió otra persona.',
  'wallet_link.refused.stale_login':
    'No se vinculó nada: vincular requiere haber iniciado sesión hace poco en este dispositivo. Vuelve a iniciar sesión y luego vuelve a vincular desde tu página de cuenta.',
  'wallet_link.refused.linked_elsewhere':
    'No se vinculó nada: esta credencial ya inicia sesión en otra cuenta.',
  'wallet_link.refused.form':
    'El token de seguridad de esta página no es válido para este navegador. Vuelve a abrir el enlace desde tu cartera.',

  'account.title': 'Tu cuenta',
  'account.signed_in_as': 'Sesión iniciada como {subject}.',
  'account.methods.method': 'Método',
  'account.methods.key': 'Clave',
  'account.methods.added': 'Añadido',
  'account.methods.actions': 'Acciones',
  'account.method.type':
    '{type, select, password {Contraseña} wallet {Billetera} passkey {Llave de acceso} email {Correo electrónico} upstream {Proveedor} credential {Credencial de identidad} other {Otro}}',
  'account.method.remove': 'Quitar',
  'account.method.hardware_bound':
    '{bound, select, yes {vinculada al hardware} other {no vinculada al hardware}}',
  'account.method.issued_by': 'emitida por {issuer} como {type}',
  'account.method.with_account': 'con la cuenta',
  'account.method.not_recorded': 'no registrado',
  'account.change.this_device':
    'Iniciaste sesión con una billetera en otro dispositivo: para añadir o quitar un método de inicio de sesión de esta cuenta, {link} (un inicio de sesión demostrado en otro dispositivo no puede cambiarla).',
  'account.change.this_device.link': 'vuelve a iniciar sesión en este dispositivo',
  'account.change.stronger':
    'Iniciaste sesión con un código por correo: para añadir o quitar un método de inicio de sesión de esta cuenta, {link} (un código por correo por sí solo no puede cambiarla).',
  'account.change.stronger.link':
    'inicia sesión con su llave de acceso, su billetera o su contraseña',
  'account.change.passkey':
    'Esta cuenta tiene una llave de acceso: para añadir o quitar un método de inicio de sesión, {link} (un inicio de sesión con contraseña o billetera no puede cambiarla).',
  'account.change.passkey.link': 'inicia sesión con tu llave de acceso',
  'account.change.recent':
    'Para añadir un método de inicio de sesión, {link} (un cambio de la cuenta requiere un inicio de sesión reciente).',
  'account.change.recent.link': 'vuelve a iniciar sesión',
  'account.sign_out': 'Cerrar sesión',
  'account.add_passkey': 'Añadir una llave de acceso',
  'account.link_wallet': 'Vincular una billetera de {chain}',
  'account.link_oid4vp': 'Vincular tu billetera de identidad',
  'account.link_provider': 'Vincular {name}',
  'account.email.title': 'Añadir una dirección de correo',
  'account.email.intro':
    'Después podrás iniciar sesión también con un código enviado a ella (una recuperación: por sí sola no puede cambiar los demás métodos de esta cuenta).',
  'account.email.label': 'Correo electrónico',
  'account.email.submit': 'Enviarme un código por correo',
  'account.email.code_sent':
    'Hay un código en camino a la dirección: escríbelo para añadir la dirección.',
  'account.email.code': 'Código',
  'account.email.confirm': 'Añadir la dirección',
  'account.password.title': 'Establecer una contraseña',
  'account.password.intro':
    'Después podrás iniciar sesión también con este nombre de usuario y esta contraseña; la cuenta sigue siendo la misma.',
  'account.password.username': 'Nombre de usuario',
  'account.password.password':
    'Contraseña (al menos {min, plural, one {# carácter} other {# caracteres}})',
  'account.password.submit': 'Establecer una contraseña',
  'account.activity.title': 'Dónde tienes la sesión iniciada',
  'account.activity.sessions': 'Sesiones (navegadores)',
  'account.activity.signed_in_with': 'Sesión iniciada con',
  'account.activity.auth_method':
    '{method, select, password {Contraseña} wallet {Billetera de {chain}} passkey {Llave de acceso} email {Código por correo} upstream {Otro proveedor} oid4vp {Billetera de identidad} other {{method}}}',
  'account.activity.method': 'Método',
  'account.activity.since': 'Desde',
  'account.activity.until': 'Hasta',
  'account.activity.grants': 'Aplicaciones con tokens de esta cuenta',
  'account.activity.app': 'Aplicación',
  'account.activity.scope': 'Alcance',
  'account.activity.approvals': 'Solicitudes que esperan tu aprobación',
  'account.activity.approvals_note': '(aplicaciones que lo pidieron desde otro lugar)',
  'account.activity.sign_out_everywhere_note':
    'Cierra todas las sesiones de arriba y revoca los tokens de todas las aplicaciones, incluida la sesión de este navegador.',
  'account.activity.sign_out_everywhere': 'Cerrar sesión en todas partes',
  'account.answers.caption': 'Tus respuestas a solicitudes desde otro lugar (se conservan un año)',
  'account.answers.when': 'Cuándo',
  'account.answers.app': 'Aplicación',
  'account.answers.what': 'Qué (y su hash)',
  'account.answers.answer': 'Respuesta',
  'account.answers.proof': 'Prueba',
  'account.answers.method':
    '{method, select, session {Esta cuenta, con sesión iniciada} passkey {Llave de acceso} wallet {Billetera} other {{method}}}',
  'account.answers.decision': '{decision, select, approved {aprobada} other {denegada}}',
  'account.signed_out.title': 'Sesión cerrada en todas partes',
  'account.signed_out.text':
    'Sesión cerrada en todas partes: todas las sesiones de la cuenta terminaron y todas las autorizaciones se revocaron, incluida esta; vuelve a iniciar sesión para continuar',
  'account.signed_out.counts':
    'Sesiones terminadas: {sessions}. Autorizaciones revocadas: {grants}.',
  'account.signed_out.sign_in_again': 'Volver a iniciar sesión',
  'account.refusal.username_taken': 'Este nombre de usuario ya está en uso; elige otro',
  'account.refusal.password_already_set': 'Esta cuenta ya tiene una contraseña',
  'account.refusal.method_already_linked':
    'Este método de inicio de sesión ya está vinculado a otra cuenta',
  'account.refusal.too_many_methods':
    'Una cuenta tiene como máximo {max} métodos de inicio de sesión; quita uno primero',
  'account.refusal.last_method':
    'Una cuenta conserva siempre al menos un método de inicio de sesión',
  'account.refusal.not_linked': 'La cuenta no tiene ese método de inicio de sesión',
  'account.refusal.own_wallet':
    'Esta billetera es el propio sujeto de la cuenta y siempre inicia sesión en ella; no se quita',
  'account.refusal.own_provider':
    'Esta cuenta del proveedor es el propio sujeto de la cuenta y siempre inicia sesión en ella; no se quita',
  'account.refusal.login_not_recent':
    'Cambiar la cuenta requiere un inicio de sesión de hace como máximo {seconds, plural, one {# segundo} other {# segundos}}; vuelve a iniciar sesión',
  'account.refusal.cross_device':
    'Esta sesión la inició una billetera en otro dispositivo: cambiar los métodos de inicio de sesión de la cuenta requiere iniciar sesión en este dispositivo; vuelve a iniciar sesión aquí',
  'account.refusal.email_alone':
    'Esta cuenta tiene una llave de acceso, una billetera o una contraseña: un inicio de sesión solo por correo no puede cambiar sus métodos de inicio de sesión; inicia sesión primero con uno de ellos',
  'account.refusal.passkey_needed':
    'Esta cuenta tiene una llave de acceso: cambiar sus métodos de inicio de sesión requiere iniciar sesión con una llave de acceso; vuelve a iniciar sesión con ella',
  'account.refusal.hardware_passkey_needed':
    'Esta cuenta tiene una llave de acceso vinculada al hardware: cambiar sus métodos de inicio de sesión requiere iniciar sesión con una de ellas; vuelve a iniciar sesión con ella',
  'account.refusal.username_format':
    'El nombre de usuario debe tener de 1 a 64 caracteres entre letras, dígitos y . _ @ + -, y empezar por una letra o un dígito',
  'account.refusal.username_reserved':
    'El nombre de usuario no puede empezar por «{prefix}» (reservado para clientes registrados)',
  'account.refusal.password_too_short':
    'La contraseña debe tener al menos {min, plural, one {# carácter} other {# caracteres}}',
  'account.refusal.password_too_long':
    'La contraseña debe tener como máximo {max, plural, one {# carácter} other {# caracteres}}',
  'account.refusal.password_lines': 'La contraseña debe ocupar una sola línea',
  'account.refusal.username_is_subject':
    'Esta cuenta se llama {subject}: su contraseña inicia sesión con ese nombre de usuario',
  'account.refusal.other': 'Se rechazó el cambio: {description}',

  'approvals.title': 'Aprobaciones',
  'approvals.intro':
    'Aplicaciones que pidieron actuar en tu nombre desde otro lugar (OpenID CIBA). Aprueba solo lo que esperas y comprueba que el mensaje coincide con el que muestra la aplicación.',
  'approvals.none': 'No hay ninguna solicitud esperándote.',
  'approvals.unlisted':
    '<strong>Se muestran {listed} de {total} solicitudes pendientes</strong>: responde a estas para ver las demás.',
  'approvals.signed_in_as': 'Sesión iniciada como <strong>{subject}</strong>.',
  'approvals.account': 'Tu cuenta',
  'approvals.asks': '{client} {clientId} pide:',
  'approvals.resource': 'en {resource} (no en la API de Proofgate).',
  'approvals.binding_message': 'Mensaje: {message}',
  'approvals.passkey_only':
    'Esta solicitud necesita tu llave de acceso: pide lo que solo un inicio de sesión resistente al phishing puede permitir.',
  'approvals.details_need_proof':
    'Para aprobar estos detalles tienes que firmarlos con tu llave de acceso o tu billetera.',
  'approvals.approve': 'Aprobar',
  'approvals.approve_passkey': 'Aprobar con llave de acceso',
  'approvals.approve_wallet': 'Aprobar con billetera',
  'approvals.deny': 'Denegar',

  'mail.add_address.subject': 'Añadir esta dirección a tu cuenta en {host}',
  'mail.add_address.intro': 'Tu código para añadir esta dirección a tu cuenta en {host} es:',
  'mail.add_address.enter':
    'Escríbelo donde lo pediste. Sirve una vez, durante {minutes, plural, one {# minuto} other {# minutos}}.',
  'mail.add_address.ignore':
    'Si no lo pediste, ignora este correo y no compartas nunca el código con nadie.',

  'mail.ciba.subject': '{client} pide actuar en tu nombre',
  'mail.ciba.asks': '{client} pide actuar en tu nombre en {host}.',
  'mail.ciba.message': 'Su mensaje: {message}',
  'mail.ciba.answer':
    'Aprueba o deniega la solicitud en {page} (inicia sesión primero si se te pide).',
  'mail.ciba.page': 'tu página de aprobaciones',
  'mail.ciba.unexpected': 'Si no lo esperabas, deniégala.',
  'mail.ciba.never_by_mail':
    'Nadie de {host} te pedirá nunca que apruebes por correo o por teléfono.',

  // The page scripts' texts (src/public/*.js, Proofgate.text): `{name}` arguments only.
  'script.signing_in': 'Iniciando sesión…',
  'script.signed_in': 'Sesión iniciada. Continuando…',
  'script.sign_in': 'Iniciar sesión',
  'script.unexpected_redirect': 'Redirección inesperada.',
  'script.wallet.none': 'No se encontró ninguna cartera de {chain} en este navegador',
  'script.wallet.waiting': 'Esperando a tu cartera de {chain}…',
  'script.wallet.sign': 'Firma el mensaje en tu cartera…',
  'script.wallet.checking': 'Comprobando la firma…',
  'script.wallet.failed': 'No se pudo iniciar sesión con {chain}.',
  'script.wallet.cancelled': 'Cancelaste la solicitud en tu cartera.',
  'script.wallet.no_account': 'La cartera no compartió ninguna cuenta.',
  'script.wallet.no_chain_account': 'La cartera no compartió ninguna cuenta de {chain}.',
  'script.wallet.no_chain': 'La cartera no indicó su cadena.',
  'script.wallet.no_network':
    'La cartera no ofrece ninguna red de {chain} que esta página conozca.',
  'script.wallet.signed_other': 'La cartera firmó un texto distinto del emitido.',
  'script.wallet.refused': 'La cartera rechazó {method}.',
  'script.passkey.waiting': 'Esperando a tu llave de acceso…',
  'script.passkey.failed': 'No se pudo iniciar sesión con una llave de acceso.',
  'script.passkey.cancelled': 'La solicitud de la llave de acceso se canceló o caducó.',
  'script.oid4vp.asking': 'Pidiendo una solicitud de presentación…',
  'script.oid4vp.open':
    'Abre tu cartera de identidad en este dispositivo o escanea el código con tu teléfono…',
  'script.oid4vp.failed': 'No se pudo iniciar sesión con tu cartera de identidad.',
  'script.oid4vp.open_link': 'Abrir la cartera en este dispositivo',
  'script.oid4vp.qr_alt':
    'Código QR de la solicitud de presentación: escanéalo con la cartera de identidad de tu teléfono',
  'script.oid4vp.expired': 'La solicitud caducó. Vuelve a intentarlo.',
  'script.oid4vp.expired_or_used': 'La solicitud caducó o ya se usó. Vuelve a intentarlo.',
  'script.oid4vp.poll_failed': 'La consulta respondió {status}.',
  'script.oid4vp.linked': 'Vinculada.',
  'script.oid4vp.finish_elsewhere':
    'Tu cartera respondió. Termina en el navegador que abrió (con sesión iniciada en esta cuenta): comprueba la credencial y vincúlala.',
  'script.oid4vp.not_linked':
    'No vinculada: la cartera lo rechazó, su credencial inicia sesión en otra cuenta o el navegador que abrió no tiene sesión iniciada en esta cuenta.',
  'script.oid4vp.declined': 'La cartera rechazó la solicitud.',
  'script.account.passkey_waiting': 'Esperando a tu autenticador…',
  'script.account.passkey_saving': 'Guardando la llave de acceso…',
  'script.account.passkey_failed': 'No se pudo añadir la llave de acceso.',
  'script.account.wallet_linking': 'Vinculando la billetera…',
  'script.account.wallet_failed': 'No se pudo vincular la billetera.',
  'script.approval.waiting': 'Esperando tu prueba…',
  'script.approval.approving': 'Aprobando…',
  'script.approval.approved': 'Aprobada.',
  'script.approval.failed': 'La aprobación falló.',
  'script.approval.no_wallet': 'No se encontró ninguna billetera en este navegador.',

  'upstream.refusal.unknown_provider':
    'Aquí no existe ese proveedor de inicio de sesión. Elige una forma de iniciar sesión en esta página.',
  'upstream.refusal.cancelled':
    'El inicio de sesión se canceló en el proveedor. Elige una forma de iniciar sesión.',
  'upstream.refusal.refused':
    'El proveedor no inició tu sesión. Vuelve a intentarlo o elige otra forma de iniciar sesión.',
  'upstream.refusal.state_unknown':
    'Este inicio de sesión no empezó en esta página o ha caducado. Empieza de nuevo desde esta página.',
  'upstream.refusal.state_expired':
    'El inicio de sesión en el proveedor tardó demasiado. Empieza de nuevo desde esta página.',
  'upstream.refusal.state_used':
    'Este inicio de sesión ya se completó o se abandonó, y solo cuenta una vez. Empieza de nuevo desde esta página.',
  'upstream.refusal.other_browser':
    'Este inicio de sesión empezó en otro navegador, o las cookies de este navegador se borraron desde entonces. Empieza de nuevo desde esta página, en este navegador.',
  'upstream.refusal.mix_up':
    'La respuesta nombra a otro proveedor distinto de aquel al que se envió este inicio de sesión, así que se rechazó. Empieza de nuevo desde esta página.',
  'upstream.refusal.missing_iss':
    'La respuesta del proveedor no dice qué proveedor la envió, aunque este proveedor siempre lo dice, así que se rechazó. Empieza de nuevo desde esta página.',
  'upstream.refusal.id_token_invalid':
    'No se pudo verificar el token de ID del proveedor (su firma, audiencia, caducidad o nonce), así que se rechazó. Vuelve a intentarlo o elige otra forma de iniciar sesión.',
  'upstream.refusal.provider_unavailable':
    'No se pudo contactar con el proveedor. Vuelve a intentarlo más tarde o elige otra forma de iniciar sesión.',
  'upstream.refusal.provider_answer_invalid':
    'El proveedor respondió algo que no es un inicio de sesión válido. Vuelve a intentarlo más tarde o elige otra forma de iniciar sesión.',
  'upstream.refusal.too_many_accounts':
    'Se crearon demasiadas cuentas nuevas desde tu red en la última hora. Vuelve a intentarlo más tarde o inicia sesión con una cuenta que ya tengas.',
  'upstream.refusal.account_disabled':
    'Esta cuenta está desactivada. Ponte en contacto con el operador de este servicio.',
  'upstream.refusal.method_removed':
    'Esta cuenta del proveedor ya no da acceso a la cuenta a la que estaba vinculada. Inicia sesión de otra forma.',
  'upstream.refusal.already_linked': 'Esta cuenta del proveedor ya está vinculada a otra cuenta.',
  'upstream.refusal.too_many_methods':
    'Esta cuenta ya tiene tantos métodos de inicio de sesión como puede tener. Quita uno primero.',
  'upstream.refusal.link_needs_recent_sign_in':
    'Vincular una cuenta de proveedor requiere un inicio de sesión reciente en esta cuenta (con su llave de acceso, si tiene una). Vuelve a iniciar sesión y vincúlala.',
} satisfies Catalogue;
