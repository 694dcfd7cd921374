package org.openred.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The shape of ARCHITECTURE.md, checked on every build: the floors (kernel, node, config, store,
 * crypto, net, cache, discovery, federation, web) know no capability module; a module reaches
 * another only through its client and its addresses; no package depends on itself round a cycle.
 * Plain JUnit tests calling the rules: Surefire 3.5.3 silently skips ArchUnit's {@code @ArchTest}
 * fields (TNG/ArchUnit#1442), and a rule that is not run guards nothing.
 */
class ArchitectureTest {
  static final JavaClasses PRODUCTION = new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests())
      .importPackages("org.openred");

  /** The capability modules: every package below one of these is that module's. */
  static final List<String> MODULES = List.of("accounts", "messaging", "social", "sync", "notifications", "files", "registry");
  static final String[] FLOORS = {"org.openred.kernel..", "org.openred.node..", "org.openred.config..", "org.openred.store..",
      "org.openred.crypto..", "org.openred.net..", "org.openred.cache..", "org.openred.discovery..", "org.openred.federation..",
      "org.openred.web.."};

  static final ArchRule noCycles = slices().matching("org.openred.(**)").should().beFreeOfCycles()
      .because("each package builds on those below it only");

  static final ArchRule floorsKnowNoModule = noClasses().that().resideInAnyPackage(FLOORS)
      .should().dependOnClassesThat().resideInAnyPackage(MODULES.stream().map(m -> "org.openred." + m + "..").toArray(String[]::new))
      .because("the kernel, the HTTP layer and federation mount what modules give them and name none of them");

  static final ArchRule nothingKnowsTheCompositionRoot = noClasses().that().resideOutsideOfPackage("org.openred.app..")
      .should().dependOnClassesThat().resideInAPackage("org.openred.app..")
      .because("app wires everything; nothing is wired to it");

  static final ArchRule modulesMeetThroughClients = classes().that().resideInAnyPackage(
          MODULES.stream().map(m -> "org.openred." + m + "..").toArray(String[]::new))
      .should(onlyUseOtherModulesThroughClientsAndAddresses())
      .because("a module may change its verticles, stores and tables without another module noticing");

  @Test
  @DisplayName("No cycles between packages")
  void packagesFormNoCycle() {
    noCycles.check(PRODUCTION);
  }

  @Test
  @DisplayName("The kernel, node, config, store, crypto, net, cache, discovery, federation and web import no module")
  void floorsImportNoModule() {
    floorsKnowNoModule.check(PRODUCTION);
  }

  @Test
  @DisplayName("Only the composition root knows the composition root")
  void appIsImportedByNobody() {
    nothingKnowsTheCompositionRoot.check(PRODUCTION);
  }

  @Test
  @DisplayName("A module imports another only through its client and address classes")
  void modulesUseClientsAndAddresses() {
    modulesMeetThroughClients.check(PRODUCTION);
  }

  @Test
  @DisplayName("The rules fire: a floor naming a module and a module reaching into another's verticle are caught")
  void rulesCatchViolations() throws ClassNotFoundException {
    JavaClasses broken = new ClassFileImporter().importClasses(Class.forName("org.openred.web.ArchitectureViolationFixture"),
        Class.forName("org.openred.messaging.ArchitectureViolationFixture"));
    org.junit.jupiter.api.Assertions.assertTrue(floorsKnowNoModule.evaluate(broken).hasViolation());
    org.junit.jupiter.api.Assertions.assertTrue(modulesMeetThroughClients.evaluate(broken).hasViolation());
  }

  private static ArchCondition<JavaClass> onlyUseOtherModulesThroughClientsAndAddresses() {
    return new ArchCondition<>("use other modules only through their *Client and *Addresses classes") {
      @Override
      public void check(JavaClass item, ConditionEvents events) {
        String own = moduleOf(item);
        item.getDirectDependenciesFromSelf().forEach(dependency -> {
          JavaClass target = dependency.getTargetClass();
          String other = moduleOf(target);
          if (other != null && !other.equals(own)) {
            String name = target.getSimpleName();
            boolean published = name.endsWith("Client") || name.endsWith("Addresses");
            if (!published) {
              events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
            }
          }
        });
      }
    };
  }

  static String moduleOf(JavaClass type) {
    for (String module : MODULES) {
      String root = "org.openred." + module;
      if (type.getPackageName().equals(root) || type.getPackageName().startsWith(root + ".")) {
        return module;
      }
    }
    return null;
  }
}
