/*
 * Trawl status widget. Put this on any page:
 *   <div data-trawl-status data-key="trawl_pk_…" data-jobs="job_a,job_b"></div>
 *   <script src="https://YOUR-TRAWL/widget.js" async></script>
 * It shows each job's latest run, refreshed every minute, using a publishable key (read-only, limited to those jobs).
 */
(function () {
  var origin = new URL(document.currentScript ? document.currentScript.src : location.href).origin;
  var COLORS = { succeeded: '#1f7a4d', partial: '#9a6700', failed: '#b42318', cancelled: '#56627a', running: '#2454b3', queued: '#56627a' };
  function text(s) { return document.createTextNode(String(s)); }
  function render(el, rows) {
    el.textContent = '';
    el.style.font = '14px/1.4 system-ui, sans-serif';
    rows.forEach(function (r) {
      var line = document.createElement('div');
      var dot = document.createElement('span');
      var status = r.lastRun ? r.lastRun.status : 'never run';
      dot.style.cssText = 'display:inline-block;width:.6em;height:.6em;border-radius:50%;margin-right:.4em;background:' + (COLORS[status] || '#999');
      line.appendChild(dot);
      line.appendChild(text(r.name + ': ' + status + (r.lastRun && r.lastRun.finishedAt ? ' · ' + new Date(r.lastRun.finishedAt).toLocaleString() + ' · ' + r.lastRun.items + ' items' : '')));
      el.appendChild(line);
    });
  }
  function load(el) {
    fetch(origin + '/v1/status?jobs=' + encodeURIComponent(el.getAttribute('data-jobs') || ''), { headers: { Authorization: 'Bearer ' + el.getAttribute('data-key') } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (body) { render(el, body.data); })
      .catch(function () { el.textContent = 'Status unavailable'; });
  }
  var els = document.querySelectorAll('[data-trawl-status]');
  for (var i = 0; i < els.length; i++) { load(els[i]); setInterval(load.bind(null, els[i]), 60000); }
})();
