package dev.distill.data.suite;

import java.util.List;

/** A family whose prompt is one lexicon word put into a fixed template ("spell the word %s"). */
abstract class WordTemplateFamily implements TaskFamily {
    private final String name;
    protected final String template;
    protected final Lexicon lexicon;

    WordTemplateFamily(String name, String template, Lexicon lexicon) {
        this.name = name;
        this.template = template;
        this.lexicon = lexicon;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> templateWords() {
        return Texts.words(template);
    }
}
