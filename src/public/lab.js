'use strict';
// The attack lab page: streams the run from /lab/run and fills the table, then the figures.
(function () {
  const button = document.getElementById('run');
  const status = document.getElementById('status');
  const body = document.querySelector('#rows tbody');
  const figures = document.getElementById('figures');

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

  function figureCard(model) {
    const section = document.createElement('section');
    section.className = 'card';
    section.dataset.model = model.id;
    const title = document.createElement('h2');
    title.textContent = model.protocol.name;
    const pre = document.createElement('pre');
    const f = model.figures;
    pre.textContent = JSON.stringify(
      { live: f.live, since_start: f.since_start, last_5_minutes: f.last_5_minutes },
      null,
      2,
    );
    section.append(title, pre);
    return section;
  }

  async function showFigures() {
    const response = await fetch('/challenge-models', { headers: { accept: 'application/json' } });
    if (!response.ok) return;
    const { models } = await response.json();
    figures.replaceChildren(...models.map(figureCard));
  }

  function run() {
    button.disabled = true;
    body.replaceChildren();
    status.textContent = 'Running… (the expiry rows wait for the challenge lifetimes)';
    const events = new EventSource('/lab/run');
    events.addEventListener('row', (event) => addRow(JSON.parse(event.data)));
    events.addEventListener('done', (event) => {
      const { passed } = JSON.parse(event.data);
      status.textContent = passed ? 'All scenarios passed.' : 'Some scenarios FAILED.';
      status.dataset.done = passed ? 'passed' : 'failed';
      events.close();
      button.disabled = false;
      void showFigures();
    });
    events.addEventListener('failed', (event) => {
      status.textContent = JSON.parse(event.data).message;
      status.dataset.done = 'error';
      events.close();
      button.disabled = false;
    });
    events.onerror = () => {
      if (status.dataset.done) return;
      status.textContent = 'The lab stream was interrupted.';
      events.close();
      button.disabled = false;
    };
  }

  button.addEventListener('click', run);
  void showFigures();
})();
