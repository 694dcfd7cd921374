'use strict';
(async function () {
  const text = (id, value) => { document.getElementById(id).textContent = value; };
  const status = document.getElementById('status');
  try {
    const doc = await (await fetch('/.well-known/openred', { headers: { Accept: 'application/json' } })).json();
    text('domain', doc.domain);
    text('node-id', doc.node_id);
    text('software', doc.software.name + ' ' + doc.software.version);
  } catch (e) {
    text('domain', 'this process runs the registry only');
    text('node-id', '-');
    text('software', '-');
  }
  try {
    const response = await fetch('/api/v1/health', { headers: { Accept: 'application/json' } });
    const health = await response.json();
    status.textContent = health.status === 'up' ? 'up' : 'down: storage unreachable';
    status.className = 'badge ' + (health.status === 'up' ? 'up' : 'down');
  } catch (e) {
    status.textContent = 'unreachable';
    status.className = 'badge down';
  }
})();
