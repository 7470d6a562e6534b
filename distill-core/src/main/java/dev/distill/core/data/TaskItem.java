package dev.distill.core.data;

/**
 * An item together with where it comes from in a task suite: its {@code family} (the kind of task,
 * e.g. "spell") and its {@code key} (what it asks about, e.g. the word). A held-out item's (family,
 * key) never occurs in training data, which is how a split is checked for leaks. Both are null for
 * data that does not record them (a Dolly line's "category" becomes the family).
 */
public record TaskItem(String family, String key, HeldOutItem item) {}
