package dev.distill.producer.archfixture;

/** Breaks the service rule: the producer reaching into the trainer service. */
public final class ProducerCallingTrainer {
    public static Class<?> trainer() {
        return dev.distill.trainer.TrainerService.class;
    }
}
