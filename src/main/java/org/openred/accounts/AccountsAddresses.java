package org.openred.accounts;

/** The accounts module's event-bus addresses, all local-only; other modules call them through {@link AccountsClient}. */
public final class AccountsAddresses {
  private AccountsAddresses() {
  }

  public static final String REGISTER = "openred.accounts.register";
  public static final String LOGIN = "openred.accounts.login";
  public static final String REFRESH = "openred.accounts.refresh";
  public static final String LOGOUT = "openred.accounts.logout";
  /** {username} -> {signedOut}: every session of the user ended. */
  public static final String LOGOUT_ALL = "openred.accounts.logout-all";
  /** {username, password} -> {deleted}: the account and every module's data about it gone. */
  public static final String DELETE_ACCOUNT = "openred.accounts.delete";
  /** {username, family, current, password} -> {signedOut}: the password changed, every other session ended. */
  public static final String CHANGE_PASSWORD = "openred.accounts.change-password";
  /** {token} -> {username, userId, family, admin}: checks an access token for the HTTP layer and the event-bus bridge. */
  public static final String VERIFY = "openred.accounts.verify";
  /** {userIds: [...]} of this node -> {missing: [...]}: which of them have no account. */
  public static final String EXISTS = "openred.accounts.exists";
  /** {q, limit} -> {userIds: [...]}: users of this node whose username starts with or holds q. */
  public static final String SEARCH = "openred.accounts.search";
  /** User keys: {username, sig, dh, replace?} to publish one's own; {userId} for anyone's, local or remote. */
  public static final String PUT_KEYS = "openred.accounts.put-keys";
  public static final String GET_KEYS = "openred.accounts.get-keys";
  /** {userId} of this node -> its published keys, for the federation API. */
  public static final String PUBLIC_KEY = "openred.accounts.public-key";
}
