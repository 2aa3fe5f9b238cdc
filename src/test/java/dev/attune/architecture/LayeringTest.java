package dev.attune.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.nio.file.Path;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering the packages keep (issue 15), checked on the compiled classes so that a change which
 * breaks it fails here rather than in review.
 */
@AnalyzeClasses(packages = "dev.attune", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    /** The numerics know nothing of the service around them. */
    @ArchTest
    static final ArchRule modelingAndCheckpointsStandAlone = noClasses()
            .that().resideInAnyPackage("dev.attune.modeling..", "dev.attune.checkpoint..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.attune.job..", "dev.attune.serving..",
                    "dev.attune.system..", "dev.attune.training..", "dev.attune.dataset..", "dev.attune.model..")
            .because("encoders and checkpoint files are a library the service uses, not the other way round");

    /** A run trains and reports its outcome; the job layer registers the model (issue 24). */
    @ArchTest
    static final ArchRule trainingKnowsNoModelRegistry = noClasses().that().resideInAPackage("dev.attune.training..")
            .should().dependOnClassesThat().resideInAPackage("dev.attune.model..")
            .because("registering what a run produced is the job's business, not the trainer's");

    @ArchTest
    static final ArchRule noCyclesBetweenFeatures = slices().matching("dev.attune.(*)..").should().beFreeOfCycles();

    /** Domain failures carry no HTTP: the web edge (system.ProblemHandler) maps them. */
    @ArchTest
    static final ArchRule errorsAreFreeOfTheWeb = noClasses().that().resideInAPackage("dev.attune.errors..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta.servlet..");

    /** Only the data-set package knows how its rows are stored: others get typed rows, never a file. */
    @ArchTest
    static final ArchRule dataSetFilesStayInside = methods().that().arePublic()
            .and().areDeclaredInClassesThat().resideInAPackage("dev.attune.dataset..")
            .and().areDeclaredInClassesThat().arePublic()
            .should().notHaveRawReturnType(Path.class)
            .because("training reads rows through DatasetService, not by parsing the stored file");

    /**
     * The queue knows kinds of job, not the features built on it (issue 31): fine-tuning (finetune/), batch
     * predictions (batch/), sweeps (sweep/) and the cluster (cluster/) depend on job/, never the reverse; the work
     * they run (training/, scoring/) reports to the queue through work/. The queue stores, claims, leases and runs
     * jobs, and answers for them over HTTP, with the infrastructure alone.
     */
    @ArchTest
    static final ArchRule theQueueImportsNoFeature = noClasses().that().resideInAPackage("dev.attune.job..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.attune.finetune..", "dev.attune.batch..",
                    "dev.attune.sweep..", "dev.attune.audit..", "dev.attune.cluster..", "dev.attune.training..", "dev.attune.scoring..",
                    "dev.attune.model..", "dev.attune.dataset..", "dev.attune.deployment..", "dev.attune.serving..",
                    "dev.attune.modeling..", "dev.attune.checkpoint..")
            .because("features depend on the queue: a new kind of job is a package with a JobHandler, not a change "
                    + "to the queue");

    /** The contract between the queue and the work it runs stands alone. */
    @ArchTest
    static final ArchRule theWorkContractStandsAlone = classes().that().resideInAPackage("dev.attune.work..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.attune.work..", "java..");

    /** Sweeps are made of fine-tuning jobs; fine-tuning knows no sweep (it asks a TrialJudge, which sweep/ gives). */
    @ArchTest
    static final ArchRule fineTuningKnowsNoSweep = noClasses().that().resideInAPackage("dev.attune.finetune..")
            .should().dependOnClassesThat().resideInAPackage("dev.attune.sweep..");
}
