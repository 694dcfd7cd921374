// The service worker: the app's own files (its shell) kept so that it opens without a network and
// says it is offline, instead of the browser's error page. Only those files: no API answer, no live
// event, no key, nothing a person wrote is ever put in its cache.
'use strict';

const CACHE = 'openred-shell-v1';
const SHELL = ['/', '/index.html', '/css/app.css', '/js/app.js', '/favicon.svg', '/manifest.json',
  '/webjars/sockjs-client/1.6.1/dist/sockjs.min.js'];

/** The app's files: the page, its styles, scripts, icons and the SockJS client; nothing else. */
function isShell(url) {
  return url.origin === self.location.origin && (SHELL.includes(url.pathname) || /^\/(css|js)\/[\w./-]+\.(css|js)$/.test(url.pathname)
    || /^\/[\w-]+\.svg$/.test(url.pathname));
}

self.addEventListener('install', event => {
  event.waitUntil(caches.open(CACHE).then(cache => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', event => {
  event.waitUntil(caches.keys()
    .then(names => Promise.all(names.filter(name => name !== CACHE).map(name => caches.delete(name))))
    .then(() => self.clients.claim()));
});

// Network first, so a node's new version is what people get; the kept copy only when the network fails.
self.addEventListener('fetch', event => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET') return;
  const page = request.mode === 'navigate';
  if (!page && !isShell(url)) return;
  event.respondWith(fetch(request).then(response => {
    if (response.ok && (!page || url.pathname === '/')) {
      const copy = response.clone();
      caches.open(CACHE).then(cache => cache.put(page ? '/index.html' : request, copy));
    }
    return response;
  }).catch(async () => (await caches.match(page ? '/index.html' : request)) ?? Response.error()));
});
