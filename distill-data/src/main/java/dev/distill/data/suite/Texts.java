package dev.distill.data.suite;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Text checks and small transformations shared by the task families. */
final class Texts {
    /**
     * Lower-case words and numbers joined by single spaces, ", " or "-": text the suite's tokenizer
     * decodes back to exactly itself, so exact match is meaningful and references never hold [UNK].
     */
    private static final Pattern CLEAN = Pattern.compile("[a-z0-9]+(?:(?: |, |-)[a-z0-9]+)*");

    private static final Pattern WORD = Pattern.compile("[a-z]+");

    private Texts() {}

    static boolean clean(String text) {
        return CLEAN.matcher(text).matches();
    }

    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** "cat" -> "c a t": one token per letter, and Rouge-L gives credit letter by letter. */
    static String letters(String word) {
        return String.join(" ", word.split(""));
    }

    /** "a, b, c or d". */
    static String listWithOr(List<String> items) {
        if (items.size() == 1) {
            return items.get(0);
        }
        return String.join(", ", items.subList(0, items.size() - 1))
                + " or "
                + items.get(items.size() - 1);
    }
}
