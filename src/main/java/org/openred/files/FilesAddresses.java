package org.openred.files;

/** The files module's event-bus addresses, answered by {@link FilesVerticle}. */
public final class FilesAddresses {
  /** {caller, size, name, type?} -> {fileId}. */
  public static final String CREATE = "openred.files.create";
  /** {caller, fileId} -> the caller's file {fileId, size, received, complete, encryptedName, encryptedType, chunks, created_at}. */
  public static final String GET = "openred.files.get";
  /** {caller} -> {files, used, quota}. */
  public static final String LIST = "openred.files.list";
  /** {caller, fileId, received} -> the file as it stands. */
  public static final String RECEIVED = "openred.files.received";
  /** {caller, fileId} -> {deleted}. */
  public static final String DELETE = "openred.files.delete";
  /** {userId}: every file of a deleted account. */
  public static final String DELETE_USER = "openred.files.delete-user";

  private FilesAddresses() {
  }
}
