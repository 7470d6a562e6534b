package dev.distill.platform.archfixture;

/** Breaks the platform rule: shared plumbing that knows one service. */
public final class PlatformUsingService {
    public static Class<?> producer() {
        return dev.distill.producer.ProducerService.class;
    }
}
