package io.staex.node;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Keeps the module layout of DESIGN.md honest: dependencies run one way (crypto → routing →
 * proxy, resolver → node; conf builds settings for the modules below node), and a module's
 * {@code internal} packages are used by that module only.
 *
 * <p>The data plane's layers are Maven modules under {@code proxy/} (docs/architecture.md), so
 * Maven enforces part of the layering when it compiles: a layer's code cannot use a layer above
 * it (not on its classpath), and the test kits cannot form a cycle (Maven refuses one). This
 * test checks that the modules stay that way ({@link #proxyModulesHoldTheirLayersPackages},
 * {@link #proxyModulePomsDependOnTheLayerBelow}) and keeps the package rules Maven cannot check:
 * compile dependencies are passed on, so a layer could still skip the one below it (stream
 * using link) or use a layer's {@code internal} package; {@link #proxyLayersDependOneWay},
 * {@link #proxyInternalsStayInsideTheirLayer} and {@link #streamFramesAreTheStreamLayersOwn}
 * catch those.
 */
class ArchitectureTest {
  private static final List<String> MODULES =
      List.of("crypto", "routing", "proxy", "resolver", "conf", "node");
  /** The proxy's packages with insides of their own, each kept to itself. */
  private static final List<String> PROXY_LAYERS =
      List.of("frame", "link", "relay", "session", "stream", "socks", "rtsp", "exit",
          "httpproxy");
  /**
   * The proxy's modules in layer order, each with its packages: the order of proxy/pom.xml's
   * modules, and each module's main code depends on the one before it only.
   */
  private static final Map<String, List<String>> PROXY_MODULES = proxyModules();
  /** Where a class was loaded from: a module's classes directory or its jar. */
  private static final Pattern PROXY_MODULE_SOURCE =
      Pattern.compile("/proxy/(\\w+)/target/|/staex-proxy-(\\w+)-[^/]*\\.jar!");
  private static JavaClasses classes;

  private static Map<String, List<String>> proxyModules() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("base", List.of("frame", "loop"));
    m.put("link", List.of("link"));
    m.put("relay", List.of("relay"));
    m.put("session", List.of("session"));
    m.put("stream", List.of("stream"));
    m.put("doors",
        List.of("forward", "service", "socks", "httpproxy", "rtsp", "udp", "exit", "names"));
    return m;
  }

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
   * Each proxy module holds its own layer's packages and no other: a class moved into another
   * module's package (which Maven allows) would let a layer reach past its pom.
   */
  @Test
  void proxyModulesHoldTheirLayersPackages() {
    Map<String, String> wrong = new TreeMap<>();
    int seen = 0;
    for (JavaClass c : classes.that(resideInAPackage("io.staex.proxy.."))) {
      String uri = c.getSource().map(src -> src.getUri().toString()).orElse("?");
      Matcher found = PROXY_MODULE_SOURCE.matcher(uri);
      String module =
          !found.find() ? "?" : found.group(1) != null ? found.group(1) : found.group(2);
      String layerPackage = c.getPackageName().replaceFirst("^io\\.staex\\.proxy\\.", "")
          .replaceFirst("\\..*", "");
      if (!PROXY_MODULES.getOrDefault(module, List.of()).contains(layerPackage)) {
        wrong.put(c.getName(), uri);
      }
      seen++;
    }
    org.assertj.core.api.Assertions.assertThat(seen).as("proxy classes imported").isPositive();
    org.assertj.core.api.Assertions.assertThat(wrong)
        .as("proxy classes outside their layer's module (class: where it was loaded from)")
        .isEmpty();
  }

  /**
   * proxy/pom.xml lists the layers in order, and each layer's pom depends (main code) on the
   * module right below it and nothing else of staex's, base on crypto and routing only; the
   * doors on relay too, for {@code names}. A test-jar dependency (the test kits) is on a layer
   * below only.
   */
  @Test
  void proxyModulePomsDependOnTheLayerBelow() throws Exception {
    Path proxy = Path.of(System.getProperty("basedir", ".")).resolve("../proxy").normalize();
    org.assertj.core.api.Assertions.assertThat(
            texts(pom(proxy.resolve("pom.xml")).getDocumentElement(), "modules", "module"))
        .containsExactlyElementsOf(PROXY_MODULES.keySet());
    List<String> layers = new ArrayList<>(PROXY_MODULES.keySet());
    for (int i = 0; i < layers.size(); i++) {
      String layer = layers.get(i);
      List<String> main = new ArrayList<>();
      List<String> testKits = new ArrayList<>();
      Element deps = child(pom(proxy.resolve(layer).resolve("pom.xml")).getDocumentElement(),
          "dependencies");
      for (Element dep : children(deps, "dependency")) {
        String artifact = text(dep, "artifactId");
        if (!text(dep, "groupId").equals("io.staex") || artifact.startsWith("staex-testing")) {
          continue;
        }
        if (text(dep, "type").equals("test-jar")) {
          testKits.add(artifact);
        } else {
          main.add(artifact);
        }
      }
      List<String> expected =
          switch (layer) {
            case "base" -> List.of("staex-crypto", "staex-routing");
            case "doors" -> List.of("staex-proxy-stream", "staex-proxy-relay");
            default -> List.of("staex-proxy-" + layers.get(i - 1));
          };
      org.assertj.core.api.Assertions.assertThat(main)
          .as("proxy/%s/pom.xml's staex dependencies", layer)
          .containsExactlyInAnyOrderElementsOf(expected);
      List<String> below = layers.subList(0, i).stream().map(l -> "staex-proxy-" + l).toList();
      org.assertj.core.api.Assertions.assertThat(testKits)
          .as("proxy/%s/pom.xml's test kits", layer)
          .allMatch(below::contains);
    }
  }

  private static Document pom(Path file) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    org.assertj.core.api.Assertions.assertThat(file).exists();
    try (var in = Files.newInputStream(file)) {
      return factory.newDocumentBuilder().parse(in);
    }
  }

  /** The direct child element {@code name} of {@code parent}. */
  private static Element child(Element parent, String name) {
    List<Element> found = children(parent, name);
    org.assertj.core.api.Assertions.assertThat(found).as("<%s> in <%s>", name,
        parent.getTagName()).hasSize(1);
    return found.get(0);
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      Node n = nodes.item(i);
      if (n instanceof Element e && e.getTagName().equals(name)) {
        found.add(e);
      }
    }
    return found;
  }

  /** The text of the direct child {@code name}, or "" if there is none. */
  private static String text(Element parent, String name) {
    List<Element> found = children(parent, name);
    return found.isEmpty() ? "" : found.get(0).getTextContent().trim();
  }

  private static List<String> texts(Element parent, String list, String item) {
    return children(child(parent, list), item).stream().map(e -> e.getTextContent().trim())
        .toList();
  }

  /**
   * The data plane's layers (docs/architecture.md): each uses only the one below it, through
   * its public package; the wire formats ({@code frame}) and the loop helpers ({@code loop})
   * are shared by all. The doors are the top: forwards, services, SOCKS, RTSP, names, UDP flows.
   * Maven's modules keep a layer from using one above it; this rule also keeps it from skipping
   * the one below (a module sees every module under it, as compile dependencies are passed on).
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
