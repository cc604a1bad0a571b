/*
 * Trawl status widget (ADR 0047). Put either on any page:
 *   <script src="https://YOUR-TRAWL/widget.js" data-job="job_a" data-key="trawl_pk_…" async></script>
 *   <div data-trawl-status data-key="trawl_pk_…" data-jobs="job_a,job_b"></div> <script src="https://YOUR-TRAWL/widget.js" async></script>
 * Each job's last run, status, success rate, items and freshness, drawn in a shadow root (the page's CSS neither
 * reaches in nor is touched), light or dark by prefers-color-scheme, or forced with data-theme="light|dark".
 * It takes a publishable key (read-only, limited to its jobs) and refreshes every minute, revalidating by ETag.
 */
(function () {
  var script = document.currentScript;
  var origin = new URL(script ? script.src : location.href).origin;
  var CSS = [
    ':host{display:block;--bg:#fff;--fg:#1b1f24;--muted:#4b5563;--line:#d0d7de;color-scheme:light}',
    ':host([data-theme=dark]){--bg:#0d1117;--fg:#e6edf3;--muted:#a8b3c1;--line:#30363d;color-scheme:dark}',
    '@media (prefers-color-scheme:dark){:host(:not([data-theme=light])){--bg:#0d1117;--fg:#e6edf3;--muted:#a8b3c1;--line:#30363d;color-scheme:dark}}',
    '.card{font:14px/1.4 system-ui,sans-serif;background:var(--bg);color:var(--fg);border:1px solid var(--line);border-radius:8px;padding:10px 12px;margin:0 0 8px;max-width:420px}',
    '.head{display:flex;gap:8px;align-items:center;margin:0 0 6px;font-size:15px;font-weight:600}',
    '.pill{font-size:12px;font-weight:600;color:#fff;border-radius:999px;padding:1px 8px}',
    'dl{display:grid;grid-template-columns:auto 1fr;gap:2px 12px;margin:0}dt{color:var(--muted)}dd{margin:0}',
    '.stale{color:#fff;background:#b42318;border-radius:4px;padding:0 4px}',
  ].join('');
  var COLORS = { succeeded: '#1f7a4d', partial: '#8a5a00', failed: '#b42318', cancelled: '#56627a', running: '#2454b3', queued: '#56627a', 'never run': '#56627a' };
  var when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    (children || []).forEach(function (c) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }
  function span(minutes) { return minutes % 60 === 0 ? minutes / 60 + ' h' : minutes + ' min'; }
  function freshnessText(f) {
    if (!f) return 'No target';
    return (f.fresh ? 'Fresh' : 'Stale') + ' (target ' + span(f.maxAgeMinutes) + ')';
  }
  function card(r) {
    var status = r.lastRun ? r.lastRun.status : 'never run';
    var at = r.lastRun ? (r.lastRun.finishedAt || r.lastRun.createdAt) : null;
    var fresh = el('dd', { 'data-field': 'freshness' }, [freshnessText(r.freshness)]);
    if (r.freshness && !r.freshness.fresh) fresh.className = 'stale';
    var rows = [
      ['Last run', 'lastRun', at ? when.format(at) : '—'],
      ['Success rate', 'successRate', r.successRate === null ? '—' : r.successRate + '%'],
      ['Items', 'items', r.lastRun ? r.lastRun.items.toLocaleString() : '—'],
    ];
    var list = [];
    rows.forEach(function (row) { list.push(el('dt', {}, [row[0]]), el('dd', { 'data-field': row[1] }, [row[2]])); });
    list.push(el('dt', {}, ['Freshness']), fresh);
    var pill = el('span', { class: 'pill', 'data-field': 'status', style: 'background:' + (COLORS[status] || '#56627a') }, [status]);
    var head = el('div', { class: 'head', role: 'heading', 'aria-level': '2' }, [el('span', { 'data-field': 'name' }, [r.name]), pill]);
    return el('section', { class: 'card', 'aria-label': 'Trawl status of ' + r.name, 'data-job': r.jobId }, [head, el('dl', {}, list)]);
  }
  function render(root, cards) {
    root.textContent = '';
    root.appendChild(el('style', {}, [CSS]));
    cards.forEach(function (c) { root.appendChild(c); });
  }
  function load(host) {
    var root = host.shadowRoot || host.attachShadow({ mode: 'open' });
    // no-cache: always ask, but with If-None-Match, so an unchanged status is a body-less 304.
    fetch(origin + '/v1/status?jobs=' + encodeURIComponent(host.getAttribute('data-jobs') || ''), {
      headers: { Authorization: 'Bearer ' + host.getAttribute('data-key') }, cache: 'no-cache',
    })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (body) { render(root, body.data.map(card)); host.setAttribute('data-state', 'ready'); })
      .catch(function () { render(root, [el('p', { class: 'card' }, ['Status unavailable'])]); host.setAttribute('data-state', 'error'); });
  }
  // The one-tag form: the script's own attributes name the job and key; the widget goes right after it.
  if (script && script.getAttribute('data-key')) {
    var host = el('div', { 'data-trawl-status': '', 'data-key': script.getAttribute('data-key'), 'data-jobs': script.getAttribute('data-job') || script.getAttribute('data-jobs') || '' });
    if (script.getAttribute('data-theme')) host.setAttribute('data-theme', script.getAttribute('data-theme'));
    script.parentNode.insertBefore(host, script.nextSibling);
  }
  var hosts = document.querySelectorAll('[data-trawl-status]');
  for (var i = 0; i < hosts.length; i++) {
    if (hosts[i].getAttribute('data-trawl-bound')) continue;
    hosts[i].setAttribute('data-trawl-bound', '1');
    load(hosts[i]);
    setInterval(load.bind(null, hosts[i]), 60000);
  }
})();
