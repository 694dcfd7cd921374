package org.openred.social;

import org.openred.kernel.Problem;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a feed page starts: strictly before this post in (created_at, id) order, newest first. The id
 * breaks ties, so posts of the same millisecond are never skipped at a page's edge. Written
 * {@code <created_at>~<id>}, both parts URL-safe.
 */
record FeedCursor(String createdAt, String id) implements Comparable<FeedCursor> {
  static final FeedCursor NEWEST = new FeedCursor("9999", "");
  private static final Pattern TEXT = Pattern.compile("([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]{1,9})?Z)~([A-Za-z0-9_-]{1,64})");

  static FeedCursor of(PostStore.Post post) {
    return new FeedCursor(post.createdAt(), post.id());
  }

  /** The cursor a client sent back, or the newest end when it sent none. */
  static FeedCursor parse(String text) {
    if (text == null) {
      return NEWEST;
    }
    Matcher m = TEXT.matcher(text);
    if (!m.matches()) {
      throw new Problem(400, "invalid-query", "cursor is the next of an earlier page");
    }
    return new FeedCursor(m.group(1), m.group(2));
  }

  @Override
  public String toString() {
    return createdAt + "~" + id;
  }

  @Override
  public int compareTo(FeedCursor other) {
    int byTime = createdAt.compareTo(other.createdAt);
    return byTime != 0 ? byTime : id.compareTo(other.id);
  }
}
