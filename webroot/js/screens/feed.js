// The home screen: the composer and the feed (one's own posts, friends' and followed people's),
// new posts arriving live at the top, reactions updating the post they are about.
'use strict';

import * as api from '../api.js';
import { composer, postList } from '../posts.js';
import { loadProfiles } from '../people.js';
import { focusHeading, h, replace, setTitle } from '../ui.js';

let shown = null;
let shownIn = null;

export async function feedScreen(main) {
  setTitle('Feed · OpenRed');
  const container = h('div');
  replace(main, h('div', { class: 'pane feed' },
    h('h2', {}, 'Feed'),
    composer(post => shown?.prepend(post)),
    container));
  shownIn = container;
  shown = postList(container, '/feed', 'Nothing here yet. Write a post, or find people under People and follow them.');
  focusHeading(main);
  await shown.load();
}

/** A live event about posts: a new one is fetched and put on top; a reaction refreshes its post. */
export async function postEvent(event) {
  if (!shownIn?.isConnected) return;
  if (event.type === 'post.new') {
    const answer = await api.call('GET', `/posts/${encodeURIComponent(event.postId)}`);
    await loadProfiles([answer.post.author]);
    shown.prepend(answer.post);
  } else if (event.type === 'post.reaction') {
    await shown.refresh(event.postId);
  }
}
