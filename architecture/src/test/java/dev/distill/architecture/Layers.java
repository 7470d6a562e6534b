package dev.distill.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;

/**
 * The platform's layering as rules, one per boundary. {@link LayeringTest} checks them on the real
 * modules, {@link LayeringRulesCatchViolationsTest} on fixtures that break each one.
 */
final class Layers {
    private Layers() {}

    static final String CORE = "dev.distill.core..";
    static final String SCHEMAS = "dev.distill.schemas..";
    static final String PLATFORM = "dev.distill.platform..";
    static final String CLI = "dev.distill.cli..";
    static final String[] SERVICES = {
        "dev.distill.producer..", "dev.distill.trainer..", "dev.distill.evaluator.."
    };
    static final String[] FRAMEWORKS = {
        "org.apache.kafka..",
        "io.quarkus..",
        "org.apache.avro..",
        "io.apicurio..",
        "jakarta..",
        "org.eclipse.microprofile..",
        "io.smallrye.."
    };

    /**
     * The core is a plain library: models, losses, training, metrics; no messaging, no framework.
     */
    static final ArchRule CORE_KNOWS_NO_KAFKA_QUARKUS_OR_AVRO =
            noClasses()
                    .that()
                    .resideInAPackage(CORE)
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(FRAMEWORKS)
                    .orShould()
                    .dependOnClassesThat()
                    .resideInAnyPackage(SCHEMAS, PLATFORM, CLI, "dev.distill.localstack..")
                    .orShould()
                    .dependOnClassesThat()
                    .resideInAnyPackage(SERVICES)
                    .because(
                            "distill-core knows no Kafka, Quarkus or Avro, and nothing built on"
                                    + " it");

    static final ArchRule SERVICES_NEVER_IMPORT_EACH_OTHER =
            slices().matching("dev.distill.(producer|trainer|evaluator)..")
                    .should()
                    .notDependOnEachOther()
                    .because(
                            "services share logic only through distill-core, platform-kafka and"
                                    + " schemas");

    static final ArchRule CLI_NEVER_IMPORTS_SERVICES =
            noClasses()
                    .that()
                    .resideInAPackage(CLI)
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(SERVICES)
                    .because("the CLI starts the services as processes");

    static final ArchRule SCHEMAS_IMPORT_NOTHING_OF_OURS =
            noClasses()
                    .that()
                    .resideInAPackage(SCHEMAS)
                    .should()
                    .dependOnClassesThat(
                            com.tngtech.archunit.base.DescribedPredicate.describe(
                                    "ours outside schemas",
                                    c ->
                                            c.getPackageName().startsWith("dev.distill.")
                                                    && !c.getPackageName()
                                                            .startsWith("dev.distill.schemas")))
                    .because("schemas holds the Avro contracts and topic names only");

    static final ArchRule PLATFORM_KNOWS_NO_SERVICE_OR_QUARKUS =
            noClasses()
                    .that()
                    .resideInAPackage(PLATFORM)
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(SERVICES)
                    .orShould()
                    .dependOnClassesThat()
                    .resideInAnyPackage(CLI, "io.quarkus..")
                    .because(
                            "platform-kafka is the services' shared plumbing, usable without"
                                    + " Quarkus");

    static final ArchRule OFFLINE_TOOLS_KNOW_NO_MESSAGING =
            noClasses()
                    .that()
                    .resideInAnyPackage("dev.distill.data..", "dev.distill.recipes..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(FRAMEWORKS)
                    .orShould()
                    .dependOnClassesThat()
                    .resideInAnyPackage(SCHEMAS, PLATFORM, CLI)
                    .orShould()
                    .dependOnClassesThat()
                    .resideInAnyPackage(SERVICES)
                    .because(
                            "the suite builder and the recipes are offline tools on top of"
                                    + " distill-core");

    /** The command classes sit on top: demo, charts and support never reach back up to them. */
    static final ArchRule CLI_PARTS_DO_NOT_REACH_BACK_TO_COMMANDS =
            noClasses()
                    .that()
                    .resideInAPackage("dev.distill.cli.*..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage("dev.distill.cli")
                    .because(
                            "a package cycle between the commands and their parts makes neither"
                                    + " readable alone");

    static final ArchRule CLI_PARTS_ARE_FREE_OF_CYCLES =
            slices().matching("dev.distill.cli.(*)..").should().beFreeOfCycles();

    static final ArchRule[] ALL = {
        CORE_KNOWS_NO_KAFKA_QUARKUS_OR_AVRO,
        SERVICES_NEVER_IMPORT_EACH_OTHER,
        CLI_NEVER_IMPORTS_SERVICES,
        SCHEMAS_IMPORT_NOTHING_OF_OURS,
        PLATFORM_KNOWS_NO_SERVICE_OR_QUARKUS,
        OFFLINE_TOOLS_KNOW_NO_MESSAGING,
        CLI_PARTS_DO_NOT_REACH_BACK_TO_COMMANDS,
        CLI_PARTS_ARE_FREE_OF_CYCLES
    };
}
