/*
 * /account/approvals, live: every few seconds (and when the tab is shown again) the page asks its
 * own JSON (`Accept: application/json`) which requests are pending; when the set changed (a new
 * request arrived, one was answered elsewhere or expired), or how many are pending in all (those
 * past the list included), it fetches the page again and swaps in its #approvals-list, so the
 * cards and the count above them are the server's own rendering. Same origin only, no
 * inline script (the CSP's script-src and connect-src are 'self'). It stops when the session
 * ends (401).
 */
'use strict';

(function () {
  // The page's own address, its language (`ui_locales`) included: the cards swapped in are in it.
  const PAGE = `/account/approvals${window.location.search}`;
  const EVERY_MS = 4000;
  const list = document.getElementById('approvals-list');
  if (!list) return;
  let timer;
  let busy = false;

  /** The ids the cards show now, in a stable order. */
  function shownIds() {
    return Array.from(list.querySelectorAll('[data-approval-id]'))
      .map((card) => card.getAttribute('data-approval-id'))
      .sort()
      .join(' ');
  }

  /** How many are pending in all, as the page says: its count of unlisted ones, else its cards. */
  function shownTotal() {
    const unlisted = list.querySelector('[data-pending-total]');
    return unlisted
      ? Number(unlisted.getAttribute('data-pending-total'))
      : list.querySelectorAll('[data-approval-id]').length;
  }

  /** The forms keep the newest CSRF token (the JSON answer carries it). */
  function refreshTokens(token) {
    for (const field of list.querySelectorAll('input[name="csrf_token"]')) field.value = token;
  }

  async function swapInPage() {
    const response = await fetch(PAGE, {
      headers: { accept: 'text/html' },
      credentials: 'same-origin',
    });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), 'text/html');
    const fresh = page.getElementById('approvals-list');
    if (fresh)
      list.replaceChildren(
        ...Array.from(fresh.childNodes).map((n) => document.importNode(n, true)),
      );
    list.dispatchEvent(new CustomEvent('approvals:updated', { bubbles: true }));
  }

  async function check() {
    if (busy || document.hidden) return;
    busy = true;
    try {
      const response = await fetch(PAGE, {
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
      });
      if (response.status === 401) {
        clearInterval(timer);
        return;
      }
      if (!response.ok) return;
      const { approvals, total, csrf_token: token } = await response.json();
      const ids = approvals
        .map((approval) => approval.id)
        .sort()
        .join(' ');
      const totalChanged = typeof total === 'number' && total !== shownTotal();
      if (ids !== shownIds() || totalChanged) await swapInPage();
      else refreshTokens(token);
    } catch {
      // Offline for a moment: the next tick tries again.
    } finally {
      busy = false;
    }
  }

  timer = setInterval(check, EVERY_MS);
  document.addEventListener('visibilitychange', check);
})();
