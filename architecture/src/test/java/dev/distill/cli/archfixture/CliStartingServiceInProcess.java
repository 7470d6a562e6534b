package dev.distill.cli.archfixture;

/**
 * Breaks the CLI rule: a command using a service class instead of starting the service as a
 * process.
 */
public final class CliStartingServiceInProcess {
    public static Class<?> service() {
        return dev.distill.evaluator.EvaluatorService.class;
    }
}
