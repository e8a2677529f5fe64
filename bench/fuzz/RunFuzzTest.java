import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.lang.reflect.Method;
import java.util.Arrays;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs one JUnit test method, for bench/fuzz.sh: {@code java -cp <test class path>
 * RunFuzzTest.java <class>#<method>}. With JAZZER_FUZZ=1 a @FuzzTest fuzzes (Jazzer allows one
 * per JVM); Jazzer's options come from -Djazzer.* system properties, which JUnit reads as
 * configuration parameters. Exits 0 if the test passed, 1 if it failed (a finding), 2 if no
 * test ran.
 */
public final class RunFuzzTest {
  private RunFuzzTest() {}

  public static void main(String[] args) throws ClassNotFoundException {
    String[] classAndMethod = args[0].split("#", 2);
    Class<?> testClass = Class.forName(classAndMethod[0]);
    Method method = Arrays.stream(testClass.getDeclaredMethods())
        .filter(m -> m.getName().equals(classAndMethod[1])).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no method " + args[0]));
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectMethod(testClass, method)).build();
    SummaryGeneratingListener summary = new SummaryGeneratingListener();
    LauncherFactory.create().execute(request, summary);
    TestExecutionSummary s = summary.getSummary();
    s.getFailures().forEach(f -> {
      System.err.println("FAILED: " + f.getTestIdentifier().getDisplayName());
      f.getException().printStackTrace();
    });
    System.err.printf("fuzz-test %s: %d run, %d failed%n", args[0], s.getTestsStartedCount(),
        s.getTotalFailureCount());
    System.exit(s.getTestsStartedCount() == 0 ? 2 : s.getTotalFailureCount() == 0 ? 0 : 1);
  }
}
