package dev.distill.architecture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The layering rules on the main classes of every module (tests and fixtures excluded). */
class LayeringTest {
    static JavaClasses ours;

    @BeforeAll
    static void importModules() {
        ours =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.distill");
    }

    @Test
    void everyModuleIsOnTheClasspath() {
        // A rule over a package with no classes passes vacuously: make sure each layer is really
        // there.
        Set<String> packages =
                ours.stream()
                        .map(c -> c.getPackageName().split("\\.")[2])
                        .collect(Collectors.toSet());
        for (String p :
                new String[] {
                    "core",
                    "schemas",
                    "platform",
                    "producer",
                    "trainer",
                    "evaluator",
                    "cli",
                    "localstack",
                    "data",
                    "recipes"
                }) {
            assertTrue(
                    packages.contains(p),
                    "no classes of dev.distill." + p + " found; found " + packages);
        }
    }

    @Test
    void coreKnowsNoKafkaQuarkusOrAvro() {
        Layers.CORE_KNOWS_NO_KAFKA_QUARKUS_OR_AVRO.check(ours);
    }

    @Test
    void servicesNeverImportEachOther() {
        Layers.SERVICES_NEVER_IMPORT_EACH_OTHER.check(ours);
    }

    @Test
    void cliNeverImportsServiceClasses() {
        Layers.CLI_NEVER_IMPORTS_SERVICES.check(ours);
    }

    @Test
    void schemasImportNothingOfOurs() {
        Layers.SCHEMAS_IMPORT_NOTHING_OF_OURS.check(ours);
    }

    @Test
    void platformKafkaKnowsNoServiceAndNoQuarkus() {
        Layers.PLATFORM_KNOWS_NO_SERVICE_OR_QUARKUS.check(ours);
    }

    @Test
    void offlineToolsKnowNoMessaging() {
        Layers.OFFLINE_TOOLS_KNOW_NO_MESSAGING.check(ours);
    }

    @Test
    void cliPartsDoNotReachBackToTheCommands() {
        Layers.CLI_PARTS_DO_NOT_REACH_BACK_TO_COMMANDS.check(ours);
    }

    @Test
    void cliPartsAreFreeOfCycles() {
        Layers.CLI_PARTS_ARE_FREE_OF_CYCLES.check(ours);
    }
}
