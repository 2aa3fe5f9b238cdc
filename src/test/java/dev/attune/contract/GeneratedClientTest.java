package dev.attune.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import dev.attune.files.FileTrees;
import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.TestDataDir;
import dev.attune.support.TrainingData;
import org.junit.jupiter.api.Test;
import org.openapitools.codegen.DefaultGenerator;
import org.openapitools.codegen.config.CodegenConfigurator;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The contract as a client generator uses it (issue 14): openapi-generator's Java client is generated
 * from the running service's /v3/api-docs, compiled, and drives the quick start — upload, job, wait,
 * predict — with no hand-written HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class GeneratedClientTest {

    private static final Path OUT = Path.of("target", "generated-client");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.registerWithGoldenImports(registry);
    }

    @LocalServerPort
    int port;

    @Test
    void aGeneratedJavaClientRunsTheQuickStart() throws Exception {
        ClassLoader client = generateAndCompile(new Http(port).get("/v3/api-docs").body());

        Object apiClient = client.loadClass("gen.ApiClient").getConstructor().newInstance();
        apiClient.getClass().getMethod("updateBaseUri", String.class).invoke(apiClient, "http://localhost:" + port);
        Object datasets = api(client, "gen.api.DataSetsApi", apiClient);
        Object jobs = api(client, "gen.api.JobsApi", apiClient);
        Object predict = api(client, "gen.api.PredictApi", apiClient);

        File csv = Files.writeString(Files.createTempFile("reviews", ".csv"), TrainingData.csv(80, 4),
                StandardCharsets.UTF_8).toFile();
        // file, then the optional name, textColumn, textPairColumn, labelColumn, format, labelDelimiter, unlabelled
        Object dataset = call(datasets, "uploadDataset", csv, null, null, null, null, null, null, null);
        String datasetId = (String) get(dataset, "getId");

        Object request = client.loadClass("gen.model.JobRequest").getConstructor().newInstance();
        set(request, "datasetId", datasetId);
        set(request, "baseModel", Golden.dir("tiny-bert").toString());
        set(request, "epochs", 2);
        set(request, "maxLength", 32);
        set(request, "learningRate", 0.003);
        set(request, "batchSize", 8);
        Object job = call(jobs, "submitJob", request);
        String jobId = (String) get(job, "getId");

        long deadline = System.currentTimeMillis() + 120_000;
        String status;
        do {
            Thread.sleep(100);
            status = String.valueOf(get(call(jobs, "getJob", jobId), "getStatus"));
        } while (!List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(status) && System.currentTimeMillis() < deadline);
        assertThat(status).isEqualTo("SUCCEEDED");

        Object predictRequest = client.loadClass("gen.model.PredictRequest").getConstructor().newInstance();
        set(predictRequest, "text", "a great and charming film");
        Object answer = call(predict, "predict", predictRequest, null); // no X-Request-Id
        List<?> predictions = (List<?>) get(answer, "getPredictions");
        assertThat(predictions).hasSize(1);
        assertThat((String) get(predictions.get(0), "getLabel")).isIn("negative", "positive");
    }

    /** openapi-generator's "java" client (native HttpClient, Jackson), compiled against the test classpath. */
    private static ClassLoader generateAndCompile(String spec) throws Exception {
        FileTrees.delete(OUT);
        Files.createDirectories(OUT);
        Path specFile = Files.writeString(OUT.resolve("openapi.json"), spec);
        CodegenConfigurator config = new CodegenConfigurator().setGeneratorName("java").setLibrary("native")
                .setInputSpec(specFile.toString()).setOutputDir(OUT.resolve("client").toString())
                .setInvokerPackage("gen").setApiPackage("gen.api").setModelPackage("gen.model")
                .addAdditionalProperty("useJakartaEe", true)
                .addGlobalProperty("apiTests", "false").addGlobalProperty("modelTests", "false")
                .addGlobalProperty("apiDocs", "false").addGlobalProperty("modelDocs", "false");
        new DefaultGenerator().opts(config.toClientOptInput()).generate();

        List<String> sources;
        try (Stream<Path> files = Files.walk(OUT.resolve("client/src/main/java"))) {
            sources = files.filter(f -> f.toString().endsWith(".java")).map(Path::toString).toList();
        }
        Path classes = Files.createDirectories(OUT.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String[] args = Stream.concat(Stream.of("-d", classes.toString(), "-nowarn", "-proc:none",
                "-classpath", System.getProperty("java.class.path")), sources.stream()).toArray(String[]::new);
        assertThat(javac.run(null, null, System.err, args)).as("the generated client compiles").isZero();
        return new URLClassLoader(new URL[] {classes.toUri().toURL()}, GeneratedClientTest.class.getClassLoader());
    }

    private static Object api(ClassLoader loader, String name, Object apiClient) throws Exception {
        return loader.loadClass(name).getConstructor(apiClient.getClass()).newInstance(apiClient);
    }

    /** Calls the one public method of that name (generated APIs overload only with *WithHttpInfo). */
    private static Object call(Object target, String name, Object... args) throws Exception {
        for (Method method : target.getClass().getMethods()) {
            if (method.getName().equals(name) && method.getParameterCount() == args.length) {
                return method.invoke(target, args);
            }
        }
        throw new AssertionError("no " + name + " with " + args.length + " arguments on " + target.getClass());
    }

    private static Object get(Object target, String getter) throws Exception {
        return target.getClass().getMethod(getter).invoke(target);
    }

    private static void set(Object target, String property, Object value) throws Exception {
        call(target, property, value); // the generated models' fluent setters: request.epochs(2)
    }
}
