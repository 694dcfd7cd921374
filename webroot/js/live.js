// Live events from the node's event-bus bridge (PROTOCOL.md section 8): SockJS to /eventbus, one
// register frame for user.<name> carrying the access token, pings to keep it open, and reconnection
// with backoff whenever the node goes away. After a reconnection the caller fetches what it missed.
'use strict';

const PING_MS = 20_000;
const FIRST_RETRY_MS = 500;
const LAST_RETRY_MS = 10_000;

export class LiveEvents {
  /**
   * @param address   user.<username>
   * @param token     async (force) => access token; force after the bridge refused the current one
   * @param onEvent   called with each event body
   * @param onState   called with 'connecting', 'live' (with reconnected = true after an outage), 'offline'
   * @param onRefused called when even a fresh token is refused: the session is over
   */
  constructor({ address, token, onEvent, onState, onRefused }) {
    Object.assign(this, { address, token, onEvent, onState, onRefused });
    this.retryMs = FIRST_RETRY_MS;
    this.wasLive = false;
    this.refusals = 0;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pinger);
    this.socket?.close();
  }

  connect() {
    if (this.stopped) return;
    this.onState('connecting');
    this.refusals = 0;
    const socket = new SockJS('/eventbus', null, { timeout: 5_000 });
    this.socket = socket;
    socket.onopen = () => this.register(socket, false);
    socket.onmessage = event => this.receive(socket, event.data);
    socket.onclose = () => {
      clearInterval(this.pinger);
      if (this.socket !== socket || this.stopped) return;
      this.onState('offline');
      // Jitter, so that a restarted node is not hit by every browser at the same instant.
      const delay = this.retryMs * (0.75 + Math.random() / 2);
      this.retryMs = Math.min(this.retryMs * 2, LAST_RETRY_MS);
      this.retryTimer = setTimeout(() => this.connect(), delay);
    };
  }

  async register(socket, forceFreshToken) {
    let token;
    try {
      token = await this.token(forceFreshToken);
    } catch (e) {
      this.stop();
      this.onRefused(e);
      return;
    }
    if (socket.readyState !== SockJS.OPEN) return;
    socket.send(JSON.stringify({ type: 'register', address: this.address, headers: { Authorization: 'Bearer ' + token } }));
    clearInterval(this.pinger);
    this.pinger = setInterval(() => socket.readyState === SockJS.OPEN && socket.send('{"type":"ping"}'), PING_MS);
    this.retryMs = FIRST_RETRY_MS;
    const reconnected = this.wasLive;
    this.wasLive = true;
    this.onState('live', reconnected);
  }

  receive(socket, data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch (e) {
      return;
    }
    if (frame.type === 'rec' && frame.address === this.address) {
      this.refusals = 0;
      this.onEvent(frame.body);
    } else if (frame.type === 'err') {
      // The bridge refused the registration: most likely the token ran out between fetch and send.
      if (++this.refusals > 2) {
        this.stop();
        this.onRefused(new Error(frame.body));
      } else {
        this.register(socket, true);
      }
    }
  }
}
