// Where one of the user's messages stands: sending; on their node and on its way to each other node
// of the conversation; delivered once each of them accepted it (their receipts come back live); or
// refused by one, said by name; or failed to reach their own node, with Retry.
'use strict';

import { h, state } from '../ui.js';

/** {domain: pending|delivered|failed} for each other node of the conversation; all pending until receipts say more. */
export function deliveryOf(message, open) {
  if (message.delivery) return message.delivery;
  const here = state.node.domain;
  return Object.fromEntries(open.participants.map(p => p.split('@')[1]).filter(d => d !== here).map(d => [d, 'pending']));
}

export function deliveryState(message, open, retry) {
  if (message.state === 'sending') return h('span', { class: 'state' }, 'Sending…');
  if (message.state === 'sent') {
    const delivery = deliveryOf(message, open);
    const where = wanted => Object.keys(delivery).filter(domain => delivery[domain] === wanted);
    const refused = where('failed');
    const waiting = where('pending');
    const delivered = where('delivered');
    if (refused.length) return h('span', { class: 'state refused', role: 'alert' }, `Not delivered to ${refused.join(', ')}`);
    if (waiting.length) return h('span', { class: 'state', title: 'On your node; their nodes have not confirmed yet' }, `✓ On your server, on its way to ${waiting.join(', ')}`);
    // A conversation all on this node is delivered once on it.
    return h('span', { class: 'state delivered', title: 'Accepted by every node of the conversation' },
      delivered.length ? `✓✓ Delivered to ${delivered.join(', ')}` : '✓✓ Delivered');
  }
  return [
    h('span', { class: 'state', role: 'alert' }, 'Failed: ' + message.failure),
    h('button', { onclick: retry }, 'Retry')
  ];
}
