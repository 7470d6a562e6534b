package dev.distill.cli;

import ai.djl.ndarray.NDManager;
import dev.distill.core.data.Rollout;
import dev.distill.core.generation.TeacherMixedSampler;
import dev.distill.core.model.CausalLm;
import dev.distill.core.model.GptConfig;
import dev.distill.platform.codec.RolloutCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Bytes per response token on distill.rollouts for a support size k: real teacher-mixed rollouts of
 * a GPT-2-vocabulary model, encoded exactly as the producer writes them (Avro binary plus the
 * 5-byte Confluent header), divided by their response tokens.
 */
final class RolloutSize {
    private RolloutSize() {}

    static double bytesPerToken(int k) throws IOException {
        GptConfig cfg = GptConfig.of(50257, 128, 64, 1, 2);
        try (NDManager root = NDManager.newBaseManager();
                CausalLm teacher = CausalLm.create(cfg, root, 1);
                CausalLm student = CausalLm.create(cfg, root, 2)) {
            List<TeacherMixedSampler.Prompt> prompts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                prompts.add(
                        new TeacherMixedSampler.Prompt(
                                "p" + i, new int[] {464, 3290 + i, 318, 257}, i));
            }
            List<Rollout> rollouts =
                    TeacherMixedSampler.sample(
                            teacher,
                            student,
                            0,
                            "bench",
                            prompts,
                            new TeacherMixedSampler.Config(0.2, 64, k, -1, "bench-teacher"));
            SpecificDatumWriter<dev.distill.schemas.avro.Rollout> writer =
                    new SpecificDatumWriter<>(dev.distill.schemas.avro.Rollout.class);
            long bytes = 0;
            long tokens = 0;
            for (Rollout r : rollouts) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
                writer.write(RolloutCodec.toAvro(r, Instant.now()), enc);
                enc.flush();
                bytes += out.size() + 5;
                tokens += r.length();
            }
            return (double) bytes / tokens;
        }
    }
}
