// The node's client API (PROTOCOL.md section 8): JSON over HTTP with a short-lived access token that
// is refreshed before it runs out, once per browser even with several tabs open (refresh tokens
// rotate on every use, and a reused one ends the whole session).
'use strict';

const SESSION = 'openred.session';
const REFRESH_MARGIN_MS = 60_000;

/** A refusal from the node, with its problem type and the node's own explanation. */
export class ApiError extends Error {
  constructor(status, type, detail, retryAfter) {
    super(detail);
    this.status = status;
    this.type = type;
    this.retryAfter = retryAfter;
  }

  is(type) {
    return this.type === type || this.type.endsWith('/' + type);
  }
}

/** The session is over (logged out, refresh token refused): the user has to log in again. */
export class SessionEnded extends Error {
  constructor() {
    super('your session has ended; log in again');
  }
}

export const session = {
  load() {
    try {
      return JSON.parse(localStorage.getItem(SESSION));
    } catch (e) {
      return null;
    }
  },
  save(value) {
    localStorage.setItem(SESSION, JSON.stringify(value));
  },
  clear() {
    localStorage.removeItem(SESSION);
  }
};

/** One request, no token handling: the problem body becomes an ApiError, a network failure too. */
export async function request(method, path, body, token) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = 'Bearer ' + token;
  let response;
  try {
    response = await fetch('/api/v1' + path, {
      method, headers, cache: 'no-store', credentials: 'omit',
      body: body === undefined ? undefined : JSON.stringify(body)
    });
  } catch (e) {
    throw new ApiError(0, 'offline', 'the node cannot be reached right now; check your connection and try again');
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    json = null;
  }
  if (!response.ok) {
    throw new ApiError(response.status, json?.type ?? 'http-' + response.status,
      json?.detail ?? json?.title ?? `the node answered ${response.status}`, response.headers.get('Retry-After'));
  }
  return json;
}

function tokensToSession(previous, tokens) {
  return {
    ...previous,
    access: tokens.access_token,
    refresh: tokens.refresh_token,
    // Measured on this clock, so a node whose clock is off does not matter.
    expiresAt: Date.now() + tokens.expires_in * 1000
  };
}

/** Logs in and keeps the session: {username, userId}. */
export async function login(username, password) {
  const tokens = await request('POST', '/auth/login', { username, password });
  const me = await request('GET', '/auth/me', undefined, tokens.access_token);
  session.save(tokensToSession({ username: me.username, userId: me.userId }, tokens));
  return { username: me.username, userId: me.userId };
}

export async function logout() {
  const current = session.load();
  session.clear();
  if (current?.refresh) {
    await request('POST', '/auth/logout', { refresh_token: current.refresh }).catch(() => undefined);
  }
}

function exclusively(task) {
  return navigator.locks ? navigator.locks.request('openred-token-refresh', task) : task();
}

/** A valid access token, refreshed first if it is about to run out (or always, when forced). */
export async function accessToken(force = false) {
  const fresh = s => s && !force && s.expiresAt - Date.now() > REFRESH_MARGIN_MS;
  const current = session.load();
  if (!current) throw new SessionEnded();
  if (fresh(current)) return current.access;
  const seen = current.refresh;
  return exclusively(async () => {
    const now = session.load();
    if (!now) throw new SessionEnded();
    // Another tab refreshed while this one waited for the lock: its token is the one to use.
    if (now.refresh !== seen || fresh(now)) return now.access;
    let tokens;
    try {
      tokens = await request('POST', '/auth/refresh', { refresh_token: now.refresh });
    } catch (e) {
      if (e.status === 400 || e.status === 401) {
        session.clear();
        throw new SessionEnded();
      }
      throw e;
    }
    session.save(tokensToSession(now, tokens));
    return tokens.access_token;
  });
}

/** An authenticated call; a 401 (revoked or rotated token) gets one refresh and one retry. */
export async function call(method, path, body) {
  try {
    return await request(method, path, body, await accessToken());
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e;
    return request(method, path, body, await accessToken(true));
  }
}

/** Raw bytes with the session's token (avatars: an <img> cannot send it): a Blob, or null for 404. */
export async function blob(path) {
  const send = async force => fetch('/api/v1' + path, {
    headers: { Authorization: 'Bearer ' + await accessToken(force) }, cache: 'no-store', credentials: 'omit'
  });
  let response = await send(false).catch(() => null);
  if (response?.status === 401) response = await send(true).catch(() => null);
  if (!response || response.status === 404 || !response.ok) return null;
  return response.blob();
}

/** A body that is not JSON (an avatar's image), with the session's token; answers the node's JSON. */
export async function upload(method, path, body, type) {
  const send = async force => fetch('/api/v1' + path, {
    method, body, cache: 'no-store', credentials: 'omit',
    headers: { Authorization: 'Bearer ' + await accessToken(force), 'Content-Type': type, Accept: 'application/json' }
  });
  let response;
  try {
    response = await send(false);
    if (response.status === 401) response = await send(true);
  } catch (e) {
    throw new ApiError(0, 'offline', 'the node cannot be reached right now; check your connection and try again');
  }
  const json = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(response.status, json?.type ?? 'http-' + response.status, json?.detail ?? `the node answered ${response.status}`);
  }
  return json;
}

export function currentUser() {
  const current = session.load();
  return current ? { username: current.username, userId: current.userId } : null;
}

/** Milliseconds until the access token should be refreshed, for a timer that keeps it fresh. */
export function refreshDueIn() {
  const current = session.load();
  return current ? Math.max(5_000, current.expiresAt - Date.now() - REFRESH_MARGIN_MS) : null;
}
