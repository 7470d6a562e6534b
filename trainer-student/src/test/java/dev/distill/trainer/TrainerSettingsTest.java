package dev.distill.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TrainerSettingsTest {

    @Test
    void refusesTheTeachersShareInLptWithoutTheTeachersScores() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new TrainerSettings.Pretrain(
                                        Path.of("corpus.txt"), 1.0, 64, 0.5, null));
        assertTrue(
                e.getMessage().contains("distill score-corpus")
                        && e.getMessage().contains("pretrain-teacher-share=0"),
                e.getMessage());
    }

    @Test
    void refusesAShareOutsideZeroToOne() {
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new TrainerSettings.Pretrain(
                                Path.of("corpus.txt"), 1.0, 64, 1.5, Path.of("scores.bin.gz")));
    }

    @Test
    void plainLanguageModellingNeedsNoScores() {
        assertEquals(
                0, TrainerSettings.Pretrain.plain(Path.of("corpus.txt"), 1.0, 64).teacherShare());
    }
}
