package dev.distill.data.suite;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Number tasks: writing a number in words (a long, deterministic output) and simple arithmetic.
 * Numbers are drawn with a uniform number of digits, so small numbers are not drowned out by large
 * ones.
 */
final class NumberFamily implements TaskFamily {
    private final boolean words;

    private NumberFamily(boolean words) {
        this.words = words;
    }

    static NumberFamily numberWords() {
        return new NumberFamily(true);
    }

    static NumberFamily arithmetic() {
        return new NumberFamily(false);
    }

    @Override
    public String name() {
        return words ? "number-words" : "arithmetic";
    }

    @Override
    public List<String> templateWords() {
        if (words) {
            List<String> out = new ArrayList<>(List.of("write", "in", "words"));
            out.addAll(NumberWords.vocabulary());
            return out;
        }
        return List.of("what", "is", "plus", "minus", "times");
    }

    /** "347" for number words; "47+38", "47-38" or "47*8" for arithmetic. */
    @Override
    public List<String> keys(int wanted, SplittableRandom rng) {
        Set<String> keys = new LinkedHashSet<>();
        for (int attempt = 0; keys.size() < wanted && attempt < wanted * 20; attempt++) {
            if (words) {
                keys.add(String.valueOf(number(rng, 5)));
                continue;
            }
            int op = rng.nextInt(3);
            if (op == 2) {
                keys.add(number(rng, 2) + "*" + rng.nextInt(10));
            } else {
                int a = number(rng, 3);
                int b = number(rng, 3);
                keys.add(op == 0 ? a + "+" + b : Math.max(a, b) + "-" + Math.min(a, b));
            }
        }
        return List.copyOf(keys);
    }

    @Override
    public Optional<Draft> draft(String key, SplittableRandom rng) {
        if (words) {
            return Optional.of(
                    Draft.of(
                            "write " + key + " in words",
                            List.of(NumberWords.of(Integer.parseInt(key)))));
        }
        String[] ab = key.split("[-+*]");
        int a = Integer.parseInt(ab[0]);
        int b = Integer.parseInt(ab[1]);
        char op = key.charAt(ab[0].length());
        String verb = op == '+' ? "plus" : op == '-' ? "minus" : "times";
        int result = op == '+' ? a + b : op == '-' ? a - b : a * b;
        return Optional.of(
                Draft.of(
                        "what is " + a + " " + verb + " " + b + "?",
                        List.of(String.valueOf(result))));
    }

    /** A number of 1 to maxDigits digits, the digit count uniform. */
    private static int number(SplittableRandom rng, int maxDigits) {
        int digits = 1 + rng.nextInt(maxDigits);
        int low = digits == 1 ? 0 : (int) Math.pow(10, digits - 1);
        return low + rng.nextInt((int) Math.pow(10, digits) - low);
    }
}
