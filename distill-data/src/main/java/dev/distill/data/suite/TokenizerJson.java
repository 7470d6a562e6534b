package dev.distill.data.suite;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A Hugging Face {@code tokenizer.json} for a word-level vocabulary: WordPiece with whole words, so
 * a vocabulary word is one token and any other lower-case word falls back to letter pieces instead
 * of [UNK]. BERT's normaliser lower-cases and strips accents, BERT's pre-tokeniser splits
 * punctuation off, and the decoder undoes the spaces around punctuation and hyphens so that suite
 * text decodes back to itself ("forty-seven", "big?" rather than "forty - seven", "big ?").
 *
 * <p>The newline is an added token: BERT's pre-tokeniser would drop it as whitespace, and then
 * nothing would tell a model where a prompt (which {@link dev.distill.core.data.PromptTemplate}
 * ends with a newline) stops and its response starts; "count the words" followed by a list could go
 * on listing.
 */
public final class TokenizerJson {
    private TokenizerJson() {}

    public static ObjectNode of(List<String> tokens) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (String token :
                List.of(SuiteVocabulary.UNK, SuiteVocabulary.EOS, SuiteVocabulary.NEWLINE)) {
            ObjectNode t = added.addObject();
            t.put("id", tokens.indexOf(token));
            t.put("content", token);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", !token.equals(SuiteVocabulary.NEWLINE));
        }
        ObjectNode normalizer = root.putObject("normalizer");
        normalizer.put("type", "BertNormalizer");
        normalizer.put("clean_text", true);
        normalizer.put("handle_chinese_chars", true);
        normalizer.put("strip_accents", true);
        normalizer.put("lowercase", true);
        root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
        root.putNull("post_processor");
        ObjectNode decoder = root.putObject("decoder");
        decoder.put("type", "Sequence");
        ArrayNode steps = decoder.putArray("decoders");
        ObjectNode wordPiece = steps.addObject();
        wordPiece.put("type", "WordPiece");
        wordPiece.put("prefix", SuiteVocabulary.CONTINUATION);
        wordPiece.put("cleanup", true); // " ." -> ".", " ," -> ",", " ?" -> "?", " !" -> "!"
        steps.addObject()
                .put("type", "Fuse"); // the replacements below must see the whole text, not single
        // tokens
        replace(steps, " - ", "-");
        replace(steps, " :", ":");
        replace(steps, " ;", ";");
        ObjectNode model = root.putObject("model");
        model.put("type", "WordPiece");
        model.put("unk_token", SuiteVocabulary.UNK);
        model.put("continuing_subword_prefix", SuiteVocabulary.CONTINUATION);
        model.put("max_input_chars_per_word", 100);
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < tokens.size(); i++) {
            vocab.put(tokens.get(i), i);
        }
        return root;
    }

    private static void replace(ArrayNode steps, String pattern, String content) {
        ObjectNode r = steps.addObject();
        r.put("type", "Replace");
        r.putObject("pattern").put("String", pattern);
        r.put("content", content);
    }
}
