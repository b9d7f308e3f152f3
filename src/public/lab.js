'use strict';
// The attack lab page: starts a run (POST /lab/run), fills the table from the streamed rows,
// then shows the figures.
(function () {
  const button = document.getElementById('run');
  const status = document.getElementById('status');
  const body = document.querySelector('#rows tbody');
  const figures = document.getElementById('live');
  // Shown in production only: the operator's ADMIN_TOKEN, sent with the run and kept nowhere.
  const adminToken = document.getElementById('admin-token');

  function cell(row, text, className) {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    row.appendChild(td);
  }

  function addRow(result) {
    const tr = document.createElement('tr');
    tr.dataset.passed = String(result.passed);
    cell(tr, result.model.toUpperCase());
    cell(tr, result.scenario);
    cell(tr, result.expected);
    cell(tr, result.answered);
    cell(tr, result.passed ? 'PASS' : 'FAIL', result.passed ? 'pass' : 'fail');
    body.appendChild(tr);
  }

  /** Refreshes each cell of the figures table from GET /challenge-models (the cell names its path). */
  async function showFigures() {
    const response = await fetch('/challenge-models', { headers: { accept: 'application/json' } });
    if (!response.ok) return;
    window.Proofgate.fillFigures(figures, await response.json());
  }

  // As often as /challenge-models refreshes its own page.
  setInterval(() => void showFigures().catch(() => undefined), 5000);

  const WAITING_FOR = {
    code: 'the code',
    nonce: 'the nonce',
    request_uri: 'the request_uri',
    login: 'the recent login',
  };
  let countdown;

  function stopCountdown() {
    clearInterval(countdown);
    countdown = undefined;
  }

  /** "waiting N s for the nonce to expire", counted down each second until the next event. */
  function startCountdown(event) {
    stopCountdown();
    const until = Date.now() + event.seconds * 1000;
    const what = WAITING_FOR[event.challenge] || 'the challenges';
    const tick = () => {
      const left = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      status.textContent = `Waiting ${left} s for ${what} to expire…`;
      status.dataset.waiting = String(left);
      if (left === 0) stopCountdown();
    };
    tick();
    countdown = setInterval(tick, 1000);
  }

  /** Ends the run on the page: the status line, and the button back. */
  function finish(text, done) {
    stopCountdown();
    delete status.dataset.waiting;
    status.textContent = text;
    status.dataset.done = done;
    button.disabled = false;
  }

  function handle(event) {
    if (event.event === 'row') {
      if (countdown !== undefined || status.dataset.waiting) {
        stopCountdown();
        delete status.dataset.waiting;
        status.textContent = 'Running… (the rows that waited for expiry)';
      }
      addRow(event.row);
    } else if (event.event === 'wait') startCountdown(event);
    else if (event.event === 'done') {
      finish(
        event.passed ? 'All scenarios passed.' : 'Some scenarios FAILED.',
        event.passed ? 'passed' : 'failed',
      );
      void showFigures();
    } else if (event.event === 'failed') finish(event.message, 'error');
  }

  /** A refused run (nothing was streamed): what it means, never "interrupted". */
  async function refusal(response) {
    const body = await response.json().catch(() => null);
    const said = body && body.error_description;
    if (response.status === 409) {
      return 'Another lab run is already in progress on this instance. Wait for it to finish, then run the lab again.';
    }
    if (response.status === 429) {
      const after = response.headers.get('retry-after');
      return `Too many requests: try again${after ? ` in ${after} s` : ' in a moment'}.`;
    }
    return said || `The server answered ${response.status}.`;
  }

  /**
   * Starts a run with a POST carrying the page's CSRF token, then reads the streamed answer: one
   * JSON event per line. Leaving the page closes the connection, which stops the run.
   */
  async function run() {
    button.disabled = true;
    body.replaceChildren();
    delete status.dataset.done;
    status.textContent = 'Running… (the expiry rows wait for the challenge lifetimes)';
    try {
      const headers = {
        'x-csrf-token': button.dataset.csrfToken || '',
        accept: 'application/x-ndjson',
      };
      if (adminToken) headers.authorization = `Bearer ${adminToken.value.trim()}`;
      const response = await fetch('/lab/run', {
        method: 'POST',
        headers,
        credentials: 'same-origin',
      });
      if (!response.ok || !response.body) {
        finish(await refusal(response), response.status === 409 ? 'conflict' : 'error');
        return;
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += value;
        const lines = buffered.split('\n');
        buffered = lines.pop();
        for (const line of lines) if (line) handle(JSON.parse(line));
      }
      if (!status.dataset.done) finish('The lab stream was interrupted.', 'error');
    } catch {
      finish('The lab stream was interrupted.', 'error');
    }
  }

  button.addEventListener('click', () => {
    void run();
  });
  void showFigures();
})();
