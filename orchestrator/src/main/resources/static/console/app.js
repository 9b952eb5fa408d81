// Labforge's console: one page, routed by the URL's fragment.
//   #/                 the runs (sagas), filterable, and a lab file to plan or apply
//   #/saga/ID          a run: one lane per host on a live timeline, the step graph, a step's panel, actions
//   #/saga/ID/report   the lab report, laid out to print
//   #/audit            the audit log and its verification
import {api, json, token, whenSignedOut, esc, confirmAction} from './api.js';
import {sagaPage} from './saga.js';
import {reportPage} from './report.js';

const view = document.getElementById('view');
let leave = () => {};  // what the current page stops (its live stream, its timers) when another opens

whenSignedOut(why => {
  leave();
  document.getElementById('why').textContent = why;
  document.getElementById('login').hidden = false;
  view.hidden = true;
});

document.getElementById('login').addEventListener('submit', e => {
  e.preventDefault();
  token.set(document.getElementById('token').value.trim());
  document.getElementById('token').value = '';
  document.getElementById('login').hidden = true;
  view.hidden = false;
  route();
});
document.getElementById('signout').addEventListener('click', () => {
  token.clear();
  location.hash = '#/';
  whenSignedOutNow();
});
function whenSignedOutNow() {
  leave();
  document.getElementById('why').textContent = 'signed out';
  document.getElementById('login').hidden = false;
  view.hidden = true;
  document.getElementById('signout').hidden = true;
}

async function route() {
  leave();
  leave = () => {};
  if (!token.get()) {
    whenSignedOutNow();
    return;
  }
  document.getElementById('signout').hidden = false;
  const parts = location.hash.replace(/^#\/?/, '').split('/');
  try {
    if (parts[0] === 'saga' && parts[1] && parts[2] === 'report') {
      leave = await reportPage(view, parts[1]);
    } else if (parts[0] === 'saga' && parts[1]) {
      leave = await sagaPage(view, parts[1]);
    } else if (parts[0] === 'audit') {
      leave = await auditPage();
    } else {
      leave = await runsPage();
    }
  } catch (e) {
    if (e.status) view.innerHTML = `<p class="error" role="alert">${esc(e.message)}</p>`;
  }
  view.focus();
}
window.addEventListener('hashchange', route);

const STATES = ['RUNNING', 'PAUSED', 'SUCCEEDED', 'FAILED', 'COMPENSATING', 'COMPENSATED', 'COMPENSATION_FAILED'];

/** The runs, newest first, refreshed every few seconds; and the form that submits a lab file. */
async function runsPage() {
  view.innerHTML = `
    <h1>Runs</h1>
    <div class="filters" role="search">
      <label>Lab or actor <input id="q" type="search" placeholder="filter"></label>
      <label>Status <select id="st"><option value="">any</option>${STATES.map(s => `<option>${s}</option>`).join('')}</select></label>
    </div>
    <table class="runs"><caption class="sr">Runs</caption>
      <thead><tr><th scope="col">Run</th><th scope="col">Lab</th><th scope="col">Mode</th><th scope="col">Status</th>
      <th scope="col">By</th><th scope="col">Started</th></tr></thead><tbody id="runs"></tbody></table>
    <section class="card" aria-labelledby="new-title">
      <h2 id="new-title">Plan or apply a lab</h2>
      <p>Choose a lab file, or paste one. <em>Plan</em> checks the hosts and changes nothing; <em>Apply</em> provisions them.</p>
      <label for="labfile">Lab file</label> <input id="labfile" type="file" accept=".yaml,.yml">
      <label for="labtext" class="block">Lab (YAML)</label>
      <textarea id="labtext" rows="14" spellcheck="false"></textarea>
      <div><button id="plan" type="button">Plan</button> <button id="apply" type="button" class="danger">Apply</button></div>
      <div id="problems" role="alert"></div>
    </section>`;
  let rows = [];
  const draw = () => {
    const q = document.getElementById('q').value.toLowerCase();
    const st = document.getElementById('st').value;
    document.getElementById('runs').innerHTML = rows
      .filter(s => (!st || s.status === st) && (!q || (s.labId + ' ' + s.actor).toLowerCase().includes(q)))
      .map(s => `<tr><td><a href="#/saga/${s.id}">${s.id.slice(0, 8)}</a></td><td>${esc(s.labId)}</td><td>${s.mode}</td>
        <td><span class="state ${s.status}">${s.status}</span></td><td>${esc(s.actor)}</td>
        <td><time datetime="${esc(s.createdAt)}">${new Date(s.createdAt).toLocaleString()}</time></td></tr>`).join('')
      || '<tr><td colspan="6">No run yet.</td></tr>';
  };
  const load = async () => { rows = await json('/api/sagas?limit=200'); draw(); };
  document.getElementById('q').addEventListener('input', draw);
  document.getElementById('st').addEventListener('change', draw);
  document.getElementById('labfile').addEventListener('change', async e => {
    const f = e.target.files[0];
    if (f) document.getElementById('labtext').value = await f.text();
  });
  for (const mode of ['plan', 'apply']) {
    document.getElementById(mode).addEventListener('click', () => submit(mode));
  }
  await load();
  const timer = setInterval(() => load().catch(() => {}), 5000);
  return () => clearInterval(timer);
}

/** Sends the lab; on success opens its run, else shows each validation error at its line. */
async function submit(mode) {
  const lab = document.getElementById('labtext').value;
  const out = document.getElementById('problems');
  out.innerHTML = '';
  if (!lab.trim()) {
    out.innerHTML = '<p class="error">Choose or paste a lab file first.</p>';
    return;
  }
  if (mode === 'apply' && !await confirmAction('Apply this lab?', 'Its hosts will be changed to match the lab file.', 'Apply')) return;
  try {
    const s = await json('/api/sagas?mode=' + mode, {method: 'POST', headers: {'Content-Type': 'application/yaml'}, body: lab});
    location.hash = '#/saga/' + s.id;
  } catch (e) {
    const errors = e.problem?.errors || [];
    const lines = lab.split('\n');
    out.innerHTML = `<p class="error">${esc(e.message)}</p>` + (errors.length ? '<ol class="lab-errors">' + errors.map(er => `
      <li><strong>line ${er.line}</strong>, <code>${esc(er.path)}</code>: ${esc(er.message)}${er.fix ? ` — <em>${esc(er.fix)}</em>` : ''}
      ${er.line > 0 ? `<pre class="excerpt">${lines.slice(Math.max(0, er.line - 2), er.line + 1)
        .map((l, i) => { const n = Math.max(1, er.line - 1) + i; return `<span class="${n === er.line ? 'hit' : ''}">${String(n).padStart(4)} │ ${esc(l)}</span>`; })
        .join('\n')}</pre>` : ''}</li>`).join('') + '</ol>' : '');
  }
}

/** The audit log: whether its hash chain verifies, then its rows, oldest first, 500 at a time. */
async function auditPage() {
  view.innerHTML = `<h1>Audit log</h1><p id="verify">Verifying the chain …</p>
    <div class="filters" role="search"><label>Run <input id="aq" type="search" placeholder="saga id (empty: all runs)"></label>
    <button id="aload" type="button">Show</button></div>
    <table class="audit"><caption class="sr">Audit rows</caption><thead><tr><th scope="col">#</th><th scope="col">When</th>
    <th scope="col">Actor</th><th scope="col">Action</th><th scope="col">Step</th><th scope="col">Host</th><th scope="col">Detail</th></tr></thead>
    <tbody id="arows"></tbody></table><button id="amore" type="button" hidden>Next 500</button>`;
  const v = await json('/api/audit/verify');
  const p = document.getElementById('verify');
  p.className = v.ok ? 'ok' : 'error';
  p.textContent = v.ok ? `The chain verifies: ${v.rows} rows, each linked to the one before by its hash; ${v.seals} seals by the orchestrator's key.`
    : `The chain does NOT verify from row ${v.firstBadSeq}: ${v.problem}`;
  let after = 0;
  const load = async more => {
    const q = document.getElementById('aq').value.trim();
    if (!more) { after = 0; document.getElementById('arows').innerHTML = ''; }
    const rows = await json(`/api/audit?limit=500&after=${after}` + (q ? '&sagaId=' + encodeURIComponent(q) : ''));
    if (rows.length) after = rows[rows.length - 1].seq;
    document.getElementById('amore').hidden = rows.length < 500;
    document.getElementById('arows').insertAdjacentHTML('beforeend', rows.map(r => `<tr><td>${r.seq}</td>
      <td><time datetime="${esc(r.at)}">${new Date(r.at).toLocaleString()}</time></td><td>${esc(r.actor)}</td><td>${esc(r.action)}</td>
      <td>${esc(r.stepId)}</td><td>${esc(r.target)}</td><td><code>${esc(JSON.stringify(r.detail).slice(0, 300))}</code></td></tr>`).join(''));
  };
  const report = e => { p.insertAdjacentHTML('afterend', `<p class="error" role="alert">${esc(e.message)}</p>`); };
  document.getElementById('aload').addEventListener('click', () => load(false).catch(report));
  document.getElementById('amore').addEventListener('click', () => load(true).catch(report));
  await load(false);
  return () => {};
}

route();
