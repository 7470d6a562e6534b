package dev.distill.core.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import java.util.OptionalInt;

/**
 * GPT-2's byte-level BPE (jtokkit's r50k_base, the same ranks as GPT-2's vocab.json/merges.txt):
 * 50257 ids, {@code <|endoftext|>} = 50256. The ranks ship inside the jar, so nothing is
 * downloaded.
 */
public final class Gpt2Tokenizer implements Tokenizer {
    public static final int VOCAB_SIZE = 50257;
    public static final int EOS = 50256;
    private static final Encoding ENCODING =
            Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE);

    /**
     * Encodes text as ordinary text: a literal "<|endoftext|>" in user input is not turned into
     * EOS.
     */
    @Override
    public int[] encode(String text) {
        return ENCODING.encodeOrdinary(text).toArray();
    }

    @Override
    public String decode(int[] ids) {
        IntArrayList list = new IntArrayList(ids.length);
        for (int id : ids) {
            if (id < 0 || id >= VOCAB_SIZE) {
                throw new IllegalArgumentException(
                        "token id " + id + " is outside GPT-2's vocabulary of " + VOCAB_SIZE);
            }
            list.add(id);
        }
        return ENCODING.decode(list);
    }

    @Override
    public int vocabSize() {
        return VOCAB_SIZE;
    }

    @Override
    public OptionalInt eosId() {
        return OptionalInt.of(EOS);
    }

    @Override
    public String name() {
        return "gpt2 (r50k_base)";
    }
}
