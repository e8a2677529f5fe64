package io.staex.node;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the module layout of DESIGN.md honest: dependencies run one way (crypto → routing →
 * proxy, resolver → node; conf builds settings for the modules below node), and a module's
 * {@code internal} packages are used by that module only.
 */
class ArchitectureTest {
  private static final List<String> MODULES =
      List.of("crypto", "routing", "proxy", "resolver", "conf", "node");
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.staex");
  }

  @Test
  void everyModuleIsOnTheClasspath() {
    // Guards the other rules against passing vacuously because nothing was imported.
    org.assertj.core.api.Assertions.assertThat(classes.containPackage("io.staex.crypto")).isTrue();
    org.assertj.core.api.Assertions.assertThat(classes.containPackage("io.staex.node")).isTrue();
  }

  @Test
  void theRoutingSimulatorIsNotShipped() {
    // routing/sim is a tool (bench/routing-scale.sh); what node's classpath holds goes into staex.jar.
    org.assertj.core.api.Assertions.assertThat(classes.containPackage("io.staex.routing.sim"))
        .isFalse();
  }

  @Test
  void layersDependOneWay() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .withOptionalLayers(true)
        .layer("crypto").definedBy("io.staex.crypto..")
        .layer("routing").definedBy("io.staex.routing..")
        .layer("proxy").definedBy("io.staex.proxy..")
        .layer("resolver").definedBy("io.staex.resolver..")
        .layer("conf").definedBy("io.staex.conf..")
        .layer("node").definedBy("io.staex.node..")
        .whereLayer("node").mayNotBeAccessedByAnyLayer()
        .whereLayer("conf").mayOnlyBeAccessedByLayers("node")
        .whereLayer("proxy").mayOnlyBeAccessedByLayers("conf", "node")
        .whereLayer("resolver").mayOnlyBeAccessedByLayers("conf", "node")
        .whereLayer("routing").mayOnlyBeAccessedByLayers("proxy", "resolver", "conf", "node")
        .check(classes);
  }

  @Test
  void internalPackagesStayInsideTheirModule() {
    for (String module : MODULES) {
      ArchRule rule =
          noClasses()
              .that().resideOutsideOfPackage("io.staex." + module + "..")
              .should().dependOnClassesThat().resideInAPackage("io.staex." + module + ".internal..")
              .allowEmptyShould(true)
              .because(module + "'s internal packages are not part of its API");
      rule.check(classes);
    }
  }
}
