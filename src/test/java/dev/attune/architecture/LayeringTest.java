package dev.attune.architecture;

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

    /** Other packages ask the job queue through ports; only job/ reads its tables. */
    @ArchTest
    static final ArchRule jobTableOnlyInJob = noClasses().that().resideOutsideOfPackage("dev.attune.job..")
            .should().dependOnClassesThat().resideInAPackage("dev.attune.job..")
            .because("dataset/ and model/ learn who uses them through DatasetUsers and ModelUsers");

    /**
     * The queue's runner imports no feature's work (issue 31): JobRunner hands a job to the JobHandler of its kind,
     * and the handlers (job.FineTuningHandler, job.BatchPredictionHandler) are what know training and scoring.
     */
    @ArchTest
    static final ArchRule queueRunnerImportsNoFeaturesWork = noClasses()
            .that().haveFullyQualifiedName("dev.attune.job.JobRunner")
            .or().haveFullyQualifiedName("dev.attune.job.JobQueue")
            .or().haveFullyQualifiedName("dev.attune.job.JobExecutor")
            .should().dependOnClassesThat().resideInAPackage("dev.attune.scoring..")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.attune.training.FineTuningService")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.attune.training.BaseCheckpoint")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.attune.training.FineTuneOutcome")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.attune.job.TrainedModels")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.attune.job.BatchResults")
            .because("the queue's runner imports no feature's work: it looks up the JobHandler of the job's kind");
}
