package io.staex.node;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
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
  /** The proxy's packages with insides of their own, each kept to itself. */
  private static final List<String> PROXY_LAYERS =
      List.of("frame", "link", "relay", "session", "stream", "socks", "rtsp", "exit",
          "httpproxy");
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

  /**
   * The data plane's layers (docs/architecture.md): each uses only the one below it, through
   * its public package; the wire formats ({@code frame}) and the loop helpers ({@code loop})
   * are shared by all. The doors are the top: forwards, services, SOCKS, RTSP, names, UDP flows.
   */
  @Test
  void proxyLayersDependOneWay() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("base").definedBy("io.staex.proxy.frame..", "io.staex.proxy.loop..")
        .layer("link").definedBy("io.staex.proxy.link..")
        .layer("relay").definedBy("io.staex.proxy.relay..")
        .layer("session").definedBy("io.staex.proxy.session..")
        .layer("stream").definedBy("io.staex.proxy.stream..")
        .layer("doors").definedBy("io.staex.proxy.forward..", "io.staex.proxy.service..",
            "io.staex.proxy.socks..", "io.staex.proxy.rtsp..", "io.staex.proxy.names..",
            "io.staex.proxy.exit..", "io.staex.proxy.httpproxy..",
            "io.staex.proxy.udp..")
        .whereLayer("doors").mayNotBeAccessedByAnyLayer()
        .whereLayer("stream").mayOnlyBeAccessedByLayers("doors")
        .whereLayer("session").mayOnlyBeAccessedByLayers("stream")
        .whereLayer("relay").mayOnlyBeAccessedByLayers("session")
        .whereLayer("link").mayOnlyBeAccessedByLayers("relay")
        // Certified names are signed node states the relay's routing node looks up in the tree.
        .ignoreDependency(resideInAPackage("io.staex.proxy.names.."),
            resideInAPackage("io.staex.proxy.relay.."))
        .check(classes);
  }

  /**
   * The session layer carries the stream layer's messages without reading them: stream frames
   * are written and read by the stream layer only ({@code StreamWire}), so a change to them is
   * a change to one layer.
   */
  @Test
  void streamFramesAreTheStreamLayersOwn() {
    noClasses().that().resideInAPackage("io.staex.proxy.session..")
        .should().dependOnClassesThat()
        .haveNameMatching("io\\.staex\\.proxy\\.frame\\.StreamFrame.*")
        .because("a record's plaintext is the stream layer's to read (docs/architecture.md)")
        .check(classes);
  }

  @Test
  void proxyInternalsStayInsideTheirLayer() {
    for (String layer : PROXY_LAYERS) {
      String pkg = "io.staex.proxy." + layer;
      noClasses()
          .that().resideOutsideOfPackage(pkg + "..")
          .should().dependOnClassesThat().resideInAPackage(pkg + ".internal..")
          .allowEmptyShould(true)
          .because(layer + "'s internal package is not part of its contract")
          .check(classes);
    }
    noClasses().should().resideInAPackage("io.staex.proxy.internal..")
        .because("each layer keeps its insides in its own internal package")
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
