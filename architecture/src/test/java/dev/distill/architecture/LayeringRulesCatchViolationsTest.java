package dev.distill.architecture;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import dev.distill.cli.archfixture.CliStartingServiceInProcess;
import dev.distill.cli.demo.archfixture.DemoUsingACommand;
import dev.distill.core.archfixture.CoreUsingAvro;
import dev.distill.platform.archfixture.PlatformUsingService;
import dev.distill.producer.archfixture.ProducerCallingTrainer;
import dev.distill.recipes.archfixture.RecipeUsingKafka;
import dev.distill.schemas.archfixture.SchemaUsingCore;
import org.junit.jupiter.api.Test;

/** Each layering rule fails on a fixture class that breaks it, and names the offending class. */
class LayeringRulesCatchViolationsTest {
    /** The fixture beside the real classes it reaches for (a slice rule needs both ends). */
    static JavaClasses with(Class<?> fixture) {
        return new ClassFileImporter()
                .importClasses(
                        fixture,
                        dev.distill.trainer.TrainerService.class,
                        dev.distill.evaluator.EvaluatorService.class,
                        dev.distill.producer.ProducerService.class);
    }

    static void catches(ArchRule rule, Class<?> fixture) {
        AssertionError e =
                assertThrows(
                        AssertionError.class,
                        () -> rule.check(with(fixture)),
                        "the rule let " + fixture.getName() + " through");
        assertTrue(e.getMessage().contains(fixture.getName()), e.getMessage());
    }

    @Test
    void coreRuleCatchesACoreClassUsingAvro() {
        catches(Layers.CORE_KNOWS_NO_KAFKA_QUARKUS_OR_AVRO, CoreUsingAvro.class);
    }

    @Test
    void serviceRuleCatchesTheProducerUsingTheTrainer() {
        catches(Layers.SERVICES_NEVER_IMPORT_EACH_OTHER, ProducerCallingTrainer.class);
    }

    @Test
    void cliRuleCatchesACommandUsingAServiceClass() {
        catches(Layers.CLI_NEVER_IMPORTS_SERVICES, CliStartingServiceInProcess.class);
    }

    @Test
    void schemasRuleCatchesAContractImportingTheCore() {
        catches(Layers.SCHEMAS_IMPORT_NOTHING_OF_OURS, SchemaUsingCore.class);
    }

    @Test
    void platformRuleCatchesPlumbingThatKnowsAService() {
        catches(Layers.PLATFORM_KNOWS_NO_SERVICE_OR_QUARKUS, PlatformUsingService.class);
    }

    @Test
    void offlineRuleCatchesARecipeTalkingToKafka() {
        catches(Layers.OFFLINE_TOOLS_KNOW_NO_MESSAGING, RecipeUsingKafka.class);
    }

    @Test
    void cliRuleCatchesADemoPartUsingACommand() {
        catches(Layers.CLI_PARTS_DO_NOT_REACH_BACK_TO_COMMANDS, DemoUsingACommand.class);
    }
}
