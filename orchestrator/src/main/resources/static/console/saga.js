// A run's page: one lane per host on a live timeline (vis-timeline), the step graph with the steps still to come
// (Cytoscape.js with a layered dagre layout), a table of hosts, a step's panel, the live event log, and the
// run's actions. Large labs stay usable: at most MAX_LANES lanes and MAX_STEPS graph nodes are drawn at once,
// the rest is found by searching, and the graph groups a large lab's steps by kind.
import {json, follow, esc, duration, confirmAction} from './api.js';
import {AnsiUp} from '/vendor/ansi_up/ansi_up.js';

const MAX_LANES = 60;
const MAX_STEPS = 250;
const LOG_LINES = 400;
const ansi = new AnsiUp();
ansi.use_classes = true;
const DONE = new Set(['SUCCEEDED', 'COMPENSATED', 'SKIPPED']);
const BAD = new Set(['FAILED', 'COMPENSATION_FAILED']);
const ACTIVE = new Set(['DISPATCHED', 'RUNNING', 'COMPENSATING']);

export async function sagaPage(view, id) {
  let saga = await json(`/api/sagas/${id}`);
  view.innerHTML = `
    <h1>Run <code>${esc(id.slice(0, 8))}</code> of lab <span id="lab"></span></h1>
    <div class="summary"><span id="status" class="state"></span> <progress id="progress" max="1" value="0"></progress>
      <span id="counts" aria-live="polite"></span></div>
    <div class="actions">
      <button id="pause" type="button">Pause</button>
      <button id="resume" type="button">Resume</button>
      <button id="compensate" type="button" class="danger">Compensate</button>
      <a id="report" href="#/saga/${id}/report">Report</a>
      <span id="action-result" role="status"></span>
    </div>
    <div class="filters" role="search"><label>Find a host or step <input id="find" type="search" placeholder="node12, hostname, FAILED …"></label>
      <span id="shown"></span></div>
    <div class="panes">
      <div class="main">
        <section aria-labelledby="tl-title"><h2 id="tl-title">Timeline</h2><div id="timeline"></div></section>
        <section aria-labelledby="g-title"><h2 id="g-title">Steps and what they wait for</h2>
          <p class="legend">Each step after the ones it needs; grey: still to come. <span id="grouped"></span></p>
          <div id="graph" role="img" aria-label="The step graph; the hosts table below lists the same steps"></div></section>
        <section aria-labelledby="h-title"><h2 id="h-title">Hosts</h2>
          <table class="hosts"><caption class="sr">Hosts and their steps</caption><thead><tr><th scope="col">Host</th><th scope="col">Agent</th>
          <th scope="col">Done</th><th scope="col">Now</th><th scope="col">Steps</th></tr></thead><tbody id="hosts"></tbody></table></section>
      </div>
      <aside id="step" aria-labelledby="step-title" hidden></aside>
    </div>
    <section aria-labelledby="log-title"><h2 id="log-title">Live events</h2><pre id="log" class="log" tabindex="0"></pre></section>`;

  const $ = x => view.querySelector('#' + x);
  const lines = new Map();   // step id → its output lines seen live
  let selected = null;
  let shownState = null, shownAttempt = null;  // the selected step as its panel last read its audit rows
  let steps = new Map();

  // the timeline: lanes (groups) are hosts, items are steps that have started
  const items = new vis.DataSet();
  const groups = new vis.DataSet();
  const timeline = new vis.Timeline($('timeline'), items, groups, {
    stack: true, selectable: true, zoomKey: 'ctrlKey', orientation: 'top', maxHeight: 480,
    groupOrder: 'content', tooltip: {followMouse: true},
  });
  timeline.on('select', p => p.items.length && openStep(p.items[0]));
  // the timeline follows the run (fits its steps) until the user pans or zooms it
  let followRun = true;
  timeline.on('rangechange', p => { if (p.byUser) followRun = false; });

  // the graph: steps as nodes, what each needs as edges, laid out in layers
  const graph = cytoscape({
    container: $('graph'), wheelSensitivity: 0.3, minZoom: 0.05, maxZoom: 1.5,
    style: [
      {selector: 'node', style: {label: 'data(label)', 'font-size': 10, 'text-wrap': 'wrap', 'text-valign': 'center',
        shape: 'round-rectangle', width: 'label', height: 'label', padding: 6, 'background-color': '#d0d7de', color: '#1f2328'}},
      {selector: 'node.SUCCEEDED, node.COMPENSATED, node.SKIPPED', style: {'background-color': '#aceebb'}},
      {selector: 'node.RUNNING, node.DISPATCHED, node.COMPENSATING', style: {'background-color': '#ffd33d'}},
      {selector: 'node.FAILED, node.COMPENSATION_FAILED', style: {'background-color': '#ff8182'}},
      {selector: 'node:selected', style: {'border-width': 3, 'border-color': '#0969da'}},
      {selector: 'edge', style: {width: 1, 'line-color': '#8c959f', 'target-arrow-shape': 'triangle', 'target-arrow-color': '#8c959f',
        'curve-style': 'bezier'}},
    ],
  });
  graph.on('tap', 'node', e => {
    const d = e.target.data();
    if (d.group) { $('find').value = d.group; draw(true); } else { openStep(d.id); }
  });

  const matches = (st, q) => !q || st.id.toLowerCase().includes(q) || st.target.toLowerCase().includes(q)
    || st.type.toLowerCase().includes(q) || st.state.toLowerCase() === q;

  /** Everything on the page from the run's current state; {@code relayout}: the graph's shown steps may have changed. */
  function draw(relayout) {
    steps = new Map(saga.steps.map(s => [s.id, s]));
    const q = $('find').value.trim().toLowerCase();
    $('lab').textContent = saga.labId;
    $('status').textContent = saga.status;
    $('status').className = 'state ' + saga.status;
    const done = saga.steps.filter(s => DONE.has(s.state)).length;
    const failed = saga.steps.filter(s => BAD.has(s.state)).length;
    const active = saga.steps.filter(s => ACTIVE.has(s.state)).length;
    $('progress').max = saga.steps.length || 1;
    $('progress').value = done;
    $('counts').textContent = `${done} of ${saga.steps.length} steps done, ${active} under way, ${failed} failed, ${saga.hosts.length} targets (${saga.mode})`;
    $('pause').disabled = saga.status !== 'RUNNING';
    $('pause').title = saga.status === 'RUNNING' ? 'Send nothing more; the steps under way finish' : 'Only a running run pauses';
    $('resume').disabled = saga.status !== 'PAUSED';
    $('resume').title = saga.status === 'PAUSED' ? 'Retry the failed steps and go on' : 'Only a paused run resumes';
    $('compensate').disabled = ['COMPENSATING', 'COMPENSATED', 'RUNNING'].includes(saga.status);

    // hosts (lanes and table rows): those matching the search, the busy and failed ones first
    const rank = h => (h.failed ? 0 : h.running ? 1 : h.succeeded < h.steps ? 2 : 3);
    const hostSteps = new Map();
    saga.steps.forEach(s => (hostSteps.get(s.target) || hostSteps.set(s.target, []).get(s.target)).push(s));
    const shownHosts = saga.hosts.filter(h => !q || h.name.toLowerCase().includes(q) || hostSteps.get(h.name).some(s => matches(s, q)))
      .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name, undefined, {numeric: true})).slice(0, MAX_LANES);
    $('shown').textContent = shownHosts.length < saga.hosts.length
      ? `showing ${shownHosts.length} of ${saga.hosts.length} hosts (failed and busy first): search to find others` : '';
    const laneIds = new Set(shownHosts.map(h => h.name));
    groups.remove(groups.getIds().filter(g => !laneIds.has(g)));
    groups.update(shownHosts.map(h => ({id: h.name, content: `${esc(h.name)} <small>${h.succeeded}/${h.steps}</small>`,
      className: h.failed ? 'lane-failed' : h.running ? 'lane-busy' : h.succeeded === h.steps ? 'lane-done' : 'lane-waiting'})));
    const now = new Date();
    const shownItems = saga.steps.filter(s => s.startedAt && laneIds.has(s.target)).map(s => ({
      id: s.id, group: s.target, start: s.startedAt, end: s.finishedAt || now, content: esc(s.id.split('@')[0]),
      className: 'step ' + s.state, title: `${esc(s.id)}: ${s.state}, ${duration(s.startedAt, s.finishedAt)}`,
    }));
    const itemIds = new Set(shownItems.map(i => i.id));
    items.remove(items.getIds().filter(i => !itemIds.has(i)));
    items.update(shownItems);
    if (followRun && shownItems.length) timeline.fit({animation: false});
    $('hosts').innerHTML = shownHosts.map(h => `<tr class="${h.failed ? 'FAILED' : ''}"><th scope="row">${esc(h.name)}</th>
      <td>${h.agentVersion ? esc(h.agentVersion) : '—'}${h.lastSeen ? ` <small>seen ${duration(h.lastSeen)} ago</small>` : ''}</td>
      <td>${h.succeeded}/${h.steps}</td><td>${esc(h.current || '')}${h.failed && saga.status === 'PAUSED'
        ? ` <button type="button" class="retry" data-host="${esc(h.name)}">Retry ${esc(h.name)}</button>` : ''}</td>
      <td>${hostSteps.get(h.name).map(s => `<button type="button" class="chip ${s.state}" data-step="${esc(s.id)}"
        aria-label="${esc(s.id)}: ${s.state}">${esc(s.id.split('@')[0])}</button>`).join(' ')}</td></tr>`).join('');
    drawGraph(q, relayout);
    if (selected && steps.has(selected)) {
      const st = steps.get(selected);
      // a step that moved on has new audit rows: read them again
      if (st.state !== shownState || st.attempt !== shownAttempt) openStep(selected); else renderStep(st);
    }
  }

  let graphKey = '';
  function drawGraph(q, relayout) {
    let shown = saga.steps.filter(s => matches(s, q));
    const grouped = shown.length > MAX_STEPS;
    let nodes, edges;
    if (grouped) {
      // one node per kind of step, with its counts; an edge where any step of one kind needs one of the other
      const kinds = new Map();
      shown.forEach(s => { const k = s.type; (kinds.get(k) || kinds.set(k, []).get(k)).push(s); });
      nodes = [...kinds].map(([k, ss]) => {
        const d = ss.filter(s => DONE.has(s.state)).length, f = ss.filter(s => BAD.has(s.state)).length;
        const a = ss.filter(s => ACTIVE.has(s.state)).length;
        const state = f ? 'FAILED' : a ? 'RUNNING' : d === ss.length ? 'SUCCEEDED' : 'PENDING';
        return {data: {id: 'kind:' + k, group: k, label: `${k} ×${ss.length}\n${d} done · ${a} under way · ${f} failed`}, classes: state};
      });
      const e = new Set();
      shown.forEach(s => s.needs.forEach(n => { const m = steps.get(n); if (m && m.type !== s.type) e.add(m.type + '→' + s.type); }));
      edges = [...e].filter(x => x.split('→').every(k => kinds.has(k)))
        .map(x => { const [a, b] = x.split('→'); return {data: {id: 'e:' + x, source: 'kind:' + a, target: 'kind:' + b}}; });
      view.querySelector('#grouped').textContent = `${shown.length} steps, grouped by kind: choose one, or search, to see its steps.`;
    } else {
      const ids = new Set(shown.map(s => s.id));
      shown.forEach(s => s.needs.forEach(n => ids.add(n)));  // what a shown step waits for is shown too
      shown = [...ids].map(i => steps.get(i)).filter(Boolean);
      nodes = shown.map(s => ({data: {id: s.id, label: s.id}, classes: s.state}));
      edges = shown.flatMap(s => s.needs.filter(n => ids.has(n)).map(n => ({data: {id: n + '>' + s.id, source: n, target: s.id}})));
      view.querySelector('#grouped').textContent = '';
    }
    const key = nodes.map(n => n.data.id).join(',');
    if (key !== graphKey || relayout) {
      graph.elements().remove();
      graph.add([...nodes, ...edges]);
      graph.layout({name: 'dagre', rankDir: 'LR', nodeSep: 8, rankSep: 40, animate: false}).run();
      graphKey = key;
    } else {
      nodes.forEach(n => graph.getElementById(n.data.id).classes(n.classes).data('label', n.data.label));
    }
  }

  async function openStep(stepId) {
    selected = stepId;
    const st = steps.get(stepId);
    if (!st) return;
    graph.$(':selected').unselect();
    graph.getElementById(stepId).select();
    shownState = st.state;
    shownAttempt = st.attempt;
    renderStep(st);
    // the audit rows of this step (what was sent, each attempt's outcome, who decided what) and its stored output
    const [rows, said] = await Promise.all([json(`/api/audit?sagaId=${id}&stepId=${encodeURIComponent(stepId)}&limit=5000`).catch(() => []),
      json(`/api/sagas/${id}/steps/${encodeURIComponent(stepId)}/output`).catch(() => null)]);
    if (said && selected === stepId) {
      lines.set(stepId, said.lines);
      renderStep(steps.get(stepId));
    }
    const box = view.querySelector('#step-audit');
    if (box && selected === stepId) {
      box.innerHTML = rows.map(r => `<li><time datetime="${esc(r.at)}">${new Date(r.at).toLocaleTimeString()}</time>
        <strong>${esc(r.action)}</strong> by ${esc(r.signer || r.actor)}</li>`).join('') || '<li>none yet</li>';
    }
  }

  function renderStep(st) {
    const a = $('step');
    a.hidden = false;
    const keep = a.querySelector('#step-audit')?.innerHTML;
    const out = lines.get(st.id) || [];
    a.innerHTML = `<h2 id="step-title">${esc(st.id)}</h2>
      <button type="button" class="close" aria-label="Close the step's panel">×</button>
      <dl><dt>State</dt><dd><span class="state ${st.state}">${st.state}</span>${st.changed === true ? ' (changed)' : st.changed === false ? ' (no change)' : ''}</dd>
      <dt>Kind</dt><dd>${esc(st.type)}</dd><dt>Host</dt><dd>${esc(st.target)}</dd>
      <dt>Attempt</dt><dd>${st.attempt} <small>(up to ${st.maxAttempts} in a row; a resume gives it as many again)</small></dd>
      <dt>Time</dt><dd>${st.startedAt ? duration(st.startedAt, st.finishedAt) + (st.finishedAt ? '' : ' so far') : 'not started'}</dd>
      <dt>Needs</dt><dd>${st.needs.map(n => `<button type="button" class="chip ${steps.get(n)?.state || ''}" data-step="${esc(n)}">${esc(n)}</button>`).join(' ') || 'nothing'}</dd></dl>
      ${st.error ? `<h3>Error</h3><pre class="error">${esc(st.error)}</pre>` : ''}
      ${st.diff ? `<h3>Changes</h3><pre class="diff">${esc(st.diff).split('\n').map(l => `<span class="${l.startsWith('+') ? 'add' : l.startsWith('-') ? 'del' : ''}">${l}</span>`).join('\n')}</pre>` : ''}
      <h3>Inputs</h3><pre>${esc(JSON.stringify(st.inputs, null, 2))}</pre>
      <h3>Outputs <small>(secrets redacted)</small></h3><pre>${esc(JSON.stringify(st.outputs, null, 2))}</pre>
      <h3>Agent's output</h3><pre class="log" id="step-output">${out.length ? out.map(l => ansi.ansi_to_html(l)).join('\n') : '<em>none</em>'}</pre>
      <h3>Audit</h3><ul id="step-audit">${keep || '<li>…</li>'}</ul>`;
  }

  view.addEventListener('click', e => {
    const b = e.target.closest('[data-step]');
    if (b) openStep(b.dataset.step);
    const retry = e.target.closest('button[data-host]');
    if (retry) {
      const host = retry.dataset.host;
      act('Retry', `Only ${host}'s failed steps run again; other hosts' failed steps wait, and the run pauses again for them.`,
        `/api/sagas/${id}/resume?host=${encodeURIComponent(host)}`, `Retry ${host}?`);
    }
    if (e.target.closest('#step .close')) { $('step').hidden = true; selected = null; }
  });
  $('find').addEventListener('input', () => draw(false));

  async function act(what, confirmText, path, title = what + ' this run?') {
    if (!await confirmAction(title, confirmText, what)) return;
    try {
      saga = await json(path, {method: 'POST'});
      $('action-result').textContent = what + ': asked';
      draw(false);
    } catch (e) {
      $('action-result').textContent = e.message;
    }
  }
  $('pause').addEventListener('click', () => act('Pause',
    'Nothing more is sent to the hosts; the steps under way finish and keep their results. Resume goes on where it stopped.',
    `/api/sagas/${id}/pause`));
  $('resume').addEventListener('click', () => act('Resume', 'Failed steps are tried again and the run goes on.', `/api/sagas/${id}/resume`));
  $('compensate').addEventListener('click', () => act('Compensate',
    'Every step that changed a host is undone, newest first. The hosts go back to how they were before this run.', `/api/sagas/${id}/compensate`));

  // live: each event is logged; the run is read again at most every 300 ms
  let pending = null;
  const log = $('log');
  const onUpdate = u => {
    if (u.event === 'step.progress' && u.step) {
      const l = lines.get(u.step) || lines.set(u.step, []).get(u.step);
      l.push(u.line);
      if (l.length > 500) l.shift();
    }
    const text = u.event === 'step.progress' ? u.line : (u.detail?.error || u.detail?.diff?.split('\n')[0] || '');
    log.insertAdjacentHTML('beforeend', `<span><time>${new Date(u.at || Date.now()).toLocaleTimeString()}</time> ${esc(u.target || '')} `
      + `<b>${esc(u.event)}</b> ${esc(u.step || '')} ${ansi.ansi_to_html(String(text || ''))}</span>\n`);
    while (log.childElementCount > LOG_LINES) log.firstElementChild.remove(), log.firstChild?.nodeType === 3 && log.firstChild.remove();
    log.scrollTop = log.scrollHeight;
    clearTimeout(pending);
    pending = setTimeout(async () => { saga = await json(`/api/sagas/${id}`); draw(false); }, 300);
  };
  draw(true);
  const abort = new AbortController();
  follow(id, onUpdate, abort);
  // running steps grow on the timeline while nothing else happens
  const tick = setInterval(() => { if (saga.steps.some(s => ACTIVE.has(s.state))) draw(false); }, 2000);
  return () => { abort.abort(); clearInterval(tick); clearTimeout(pending); timeline.destroy(); graph.destroy(); };
}
