package dev.distill.e2e;

import dev.distill.core.tokenizer.HfTokenizer;
import dev.distill.core.train.TokenBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * "count from a to b :" with a word-level tokenizer.json: a task a small teacher learns in seconds.
 */
final class CountingTask {
    static final int NUMBERS = 30;

    private CountingTask() {}

    static String instruction(int a, int b) {
        return "count from " + a + " to " + b + " :";
    }

    static String answer(int a, int b) {
        StringBuilder s = new StringBuilder();
        for (int i = a; i <= b; i++) {
            s.append(i == a ? "" : " ").append(i);
        }
        return s.toString();
    }

    static int[] range(SplittableRandom rng) {
        int a = rng.nextInt(NUMBERS - 8);
        return new int[] {a, a + 1 + rng.nextInt(6)};
    }

    static String tokenizerJson() {
        StringBuilder vocab =
                new StringBuilder("\"[UNK]\": 0, \"count\": 1, \"from\": 2, \"to\": 3, \":\": 4");
        for (int i = 0; i < NUMBERS; i++) {
            vocab.append(", \"").append(i).append("\": ").append(5 + i);
        }
        return "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null, \"added_tokens\":"
                + " [{\"id\": "
                + (5 + NUMBERS)
                + ", \"content\": \"<|endoftext|>\", \"single_word\": false, \"lstrip\": false,"
                + " \"rstrip\": false, \"normalized\": false, \"special\": true}], \"normalizer\":"
                + " null, \"pre_tokenizer\": {\"type\": \"WhitespaceSplit\"}, \"post_processor\":"
                + " null, \"decoder\": {\"type\": \"WordPiece\", \"prefix\": \"##\", \"cleanup\":"
                + " false}, \"model\": {\"type\": \"WordLevel\", \"vocab\": {"
                + vocab
                + "}, \"unk_token\": \"[UNK]\"}}";
    }

    /** SFT batch in the platform's prompt template (instruction, newline, response, EOS). */
    static TokenBatch batch(HfTokenizer tok, SplittableRandom rng, int rows) {
        List<int[]> seqs = new ArrayList<>();
        int[] starts = new int[rows];
        for (int r = 0; r < rows; r++) {
            int[] ab = range(rng);
            int[] p =
                    tok.encode(
                            dev.distill.core.data.PromptTemplate.format(
                                    instruction(ab[0], ab[1]), null));
            int[] y = tok.encode(answer(ab[0], ab[1]));
            int[] s = new int[p.length + y.length + 1];
            System.arraycopy(p, 0, s, 0, p.length);
            System.arraycopy(y, 0, s, p.length, y.length);
            s[s.length - 1] = tok.eosId().orElseThrow();
            seqs.add(s);
            starts[r] = p.length;
        }
        return TokenBatch.of(seqs, starts);
    }
}
