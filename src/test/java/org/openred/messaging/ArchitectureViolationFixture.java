package org.openred.messaging;

/** Breaks the modules rule on purpose (messaging reaching into accounts' verticle), so the architecture test proves that rule fires. */
final class ArchitectureViolationFixture {
  Class<?> named = org.openred.accounts.SessionsVerticle.class;
}
