package io.staex.proxy.link.internal;

import io.staex.proxy.link.LinkCredentials;
import io.staex.proxy.link.LinkListener;
import io.staex.proxy.link.LinkSettings;
import java.util.Objects;

/** Everything one side's link pipelines share. */
public record LinkConfig(
    LinkCredentials credentials, LinkSettings settings, LinkListener listener, LinkStats stats) {
  public LinkConfig {
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(stats, "stats");
  }
}
