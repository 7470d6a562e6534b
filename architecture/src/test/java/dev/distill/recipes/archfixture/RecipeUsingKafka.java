package dev.distill.recipes.archfixture;

/** Breaks the offline rule: a recipe that talks to Kafka through the platform's client settings. */
public final class RecipeUsingKafka {
    public static Object configs() {
        return dev.distill.platform.kafka.ClientConfigs.avroConsumer(
                "localhost:9092", "http://localhost:8080");
    }
}
