package org.openred.web;

/** Breaks the floors rule on purpose (the HTTP layer naming a module), so the architecture test proves that rule fires. */
final class ArchitectureViolationFixture {
  Class<?> named = org.openred.accounts.SessionsVerticle.class;
}
