package io.staex.proxy.loop;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/** Status queries of loop-confined state from any thread. */
public final class OnLoop {
  private OnLoop() {}

  /**
   * {@code q}'s answer, computed on {@code loop}: directly when called there, else submitted and
   * waited for (so never call it from another event loop that {@code loop} may wait on).
   *
   * @throws IllegalStateException if {@code q} failed or the wait was interrupted
   */
  public static <T> T call(EventExecutor loop, Callable<T> q) {
    try {
      if (loop.inEventLoop()) {
        return q.call();
      }
      return loop.submit(q).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
