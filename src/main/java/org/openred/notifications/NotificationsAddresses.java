package org.openred.notifications;

/** The notifications module's event-bus addresses (each answered by {@link NotificationsVerticle}). */
public final class NotificationsAddresses {
  /** {caller, before?} -> {notifications: [...newest first], unread, next}. */
  public static final String LIST = "openred.notifications.list";
  /** {caller} -> {unread: 0}: every notification of the caller marked read. */
  public static final String READ = "openred.notifications.read";

  private NotificationsAddresses() {
  }
}
