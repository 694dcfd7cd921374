package org.openred.notifications;

/** The notifications module's event-bus addresses (each answered by {@link NotificationsVerticle}). */
public final class NotificationsAddresses {
  /** {caller, before?} -> {notifications: [...newest first], unread, next}. */
  public static final String LIST = "openred.notifications.list";
  /** {caller, subject?} -> {unread}: the caller's notifications marked read, all or those about one subject. */
  public static final String READ = "openred.notifications.read";

  private NotificationsAddresses() {
  }
}
