package dev.distill.data.suite;

import java.util.ArrayList;
import java.util.List;

/**
 * Whole numbers in English words, American style: 347 -> "three hundred forty-seven" (no "and").
 */
final class NumberWords {
    static final int MAX = 999_999;
    private static final String[] SMALL = {
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen"
    };
    private static final String[] TENS = {
        "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"
    };

    private NumberWords() {}

    static String of(int n) {
        if (n < 0 || n > MAX) {
            throw new IllegalArgumentException(n + " is outside 0.." + MAX);
        }
        if (n == 0) {
            return SMALL[0];
        }
        List<String> parts = new ArrayList<>();
        if (n >= 1000) {
            parts.add(belowThousand(n / 1000));
            parts.add("thousand");
        }
        if (n % 1000 != 0) {
            parts.add(belowThousand(n % 1000));
        }
        return String.join(" ", parts);
    }

    /** Every word {@link #of} can produce. */
    static List<String> vocabulary() {
        List<String> out = new ArrayList<>(List.of(SMALL));
        out.addAll(List.of(TENS).subList(2, TENS.length));
        out.addAll(List.of("hundred", "thousand"));
        return out;
    }

    private static String belowThousand(int n) {
        List<String> parts = new ArrayList<>();
        if (n >= 100) {
            parts.add(SMALL[n / 100]);
            parts.add("hundred");
        }
        int rest = n % 100;
        if (rest >= 20) {
            parts.add(TENS[rest / 10] + (rest % 10 != 0 ? "-" + SMALL[rest % 10] : ""));
        } else if (rest > 0) {
            parts.add(SMALL[rest]);
        }
        return String.join(" ", parts);
    }
}
