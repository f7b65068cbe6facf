package dev.iothub.emulator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The emulator's shape, which its README describes: dependencies point one way, from the transport through
 * the protocol adapters and the device, service and direct method surfaces to the registry and twins, the store and the
 * model; no package depends on one that depends back on it; the records and the store know nothing of the
 * network.
 */
class ArchitectureTest {
    private static final String INTERNAL = "dev.iothub.emulator.internal.";
    private static final JavaClasses EMULATOR = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.iothub.emulator");

    @Test
    void noPackageDependsOnOneThatDependsBackOnIt() {
        slices().matching("dev.iothub.emulator.(**)").should().beFreeOfCycles().check(EMULATOR);
    }

    @Test
    void dependenciesPointFromTheTransportToTheModel() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("API").definedBy("dev.iothub.emulator", "dev.iothub.emulator.junit")
                .layer("Transport").definedBy(INTERNAL + "transport..")
                .layer("Protocol adapters").definedBy(INTERNAL + "http..", INTERNAL + "mqtt..", INTERNAL + "amqp..")
                .layer("Surfaces").definedBy(INTERNAL + "device..", INTERNAL + "service..", INTERNAL + "methods..",
                        INTERNAL + "cloudtodevice..", INTERNAL + "events..", INTERNAL + "routing..")
                .layer("Registry and twins").definedBy(INTERNAL + "registry..", INTERNAL + "twin..", INTERNAL + "auth..")
                .layer("Store").definedBy(INTERNAL + "store..")
                .layer("Model").definedBy(INTERNAL + "model..")
                .whereLayer("API").mayNotBeAccessedByAnyLayer()
                .whereLayer("Transport").mayOnlyBeAccessedByLayers("API")
                .whereLayer("Protocol adapters").mayOnlyBeAccessedByLayers("Transport", "API")
                .whereLayer("Surfaces").mayOnlyBeAccessedByLayers("Protocol adapters", "API")
                .whereLayer("Registry and twins").mayOnlyBeAccessedByLayers("Surfaces", "API")
                .whereLayer("Store").mayOnlyBeAccessedByLayers("Registry and twins", "Surfaces", "API")
                .check(EMULATOR);
    }

    /** Of the surfaces, only the cloud-to-device queues and the built-in endpoint keep something of their own. */
    @Test
    void theOtherSurfacesReachTheStoreThroughTheRegistryAndTwins() {
        noClasses().that().resideInAnyPackage(INTERNAL + "device..", INTERNAL + "service..", INTERNAL + "methods..",
                        INTERNAL + "routing..")
                .should().dependOnClassesThat().resideInAPackage(INTERNAL + "store..")
                .check(EMULATOR);
    }

    @Test
    void theModelDependsOnNothingElseOfTheEmulator() {
        classes().that().resideInAPackage(INTERNAL + "model..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(INTERNAL + "model..", "java..",
                        "com.fasterxml.jackson..")
                .check(EMULATOR);
    }

    @Test
    void theStoreDependsOnlyOnTheModelAndTheSupportPackages() {
        classes().that().resideInAPackage(INTERNAL + "store..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(INTERNAL + "store..", INTERNAL + "model..",
                        INTERNAL + "files..", INTERNAL + "error..", INTERNAL + "logging..", "java..",
                        "com.fasterxml.jackson..",
                        "org.h2.mvstore..", "org.slf4j..")
                .check(EMULATOR);
    }

    @Test
    void onlyTheTransportAndTheAdaptersKnowTheNetwork() {
        noClasses().that().resideInAnyPackage(INTERNAL + "model..", INTERNAL + "store..", INTERNAL + "registry..",
                        INTERNAL + "twin..", INTERNAL + "auth..", INTERNAL + "device..", INTERNAL + "service..",
                        INTERNAL + "methods..", INTERNAL + "cloudtodevice..", INTERNAL + "events..",
                        INTERNAL + "routing..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "org.apache.qpid..")
                .check(EMULATOR);
    }
}
