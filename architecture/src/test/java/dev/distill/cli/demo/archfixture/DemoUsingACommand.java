package dev.distill.cli.demo.archfixture;

/**
 * Breaks the CLI rule: a part of the demo reaching back up to a command class, as the demo once
 * did.
 */
public final class DemoUsingACommand {
    public static Class<?> command() {
        return dev.distill.cli.Distill.class;
    }
}
