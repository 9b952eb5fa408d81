// The lab report of a run as a page (GET /api/sagas/{id}/report, Markdown rendered by marked): what was done per
// host, firewall, daemon settings, disks, services, with the requirements it satisfies. Prints cleanly (console.css
// hides the console's bar and buttons in print).
import {api, esc} from './api.js';
import {marked} from '/vendor/marked/lib/marked.esm.js';

export async function reportPage(view, id) {
  const md = await (await api(`/api/sagas/${id}/report`)).text();
  // the report is written by the orchestrator from the audit log; raw HTML in it is shown as text, not run
  const renderer = new marked.Renderer();
  renderer.html = ({text}) => esc(text);
  // text that came from hosts (errors, diffs) could carry a link: only web links are links, nothing else is followed
  const safe = href => /^(https?:\/\/|#)/i.test(href || '');
  renderer.link = function ({href, title, tokens}) {
    const text = this.parser.parseInline(tokens);
    return safe(href) ? `<a href="${esc(href)}" rel="noopener noreferrer"${title ? ` title="${esc(title)}"` : ''}>${text}</a>` : text;
  };
  renderer.image = ({href, text}) => esc(text || href);  // no image is fetched from a report
  view.innerHTML = `<div class="actions noprint"><a href="#/saga/${esc(id)}">Back to the run</a>
    <button type="button" id="print">Print or save as PDF</button></div>
    <article class="report">${marked.parse(md, {renderer, gfm: true})}</article>`;
  view.querySelector('#print').addEventListener('click', () => window.print());
  return () => {};
}
