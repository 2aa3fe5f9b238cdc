package dev.attune.modeling.onnx;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ONNX Runtime's environment, kept alive until the process ends.
 *
 * <p>Why: ONNX Runtime's Java API registers a JVM shutdown hook that releases its native environment, and the JVM
 * runs shutdown hooks concurrently with each other and with every thread still running. A SIGTERM that arrives while
 * a model loads ({@code createSession}) or a request runs made the service die of SIGSEGV inside libonnxruntime, so
 * Spring's own shutdown (answering requests in flight, handing back job leases) was cut short. The native environment
 * is reference-counted ({@code OrtEnv::GetInstance} and {@code Release}), so this class takes one more reference,
 * through the API's private {@code createHandle}, and never releases it. The hook's release then leaves it alive, and
 * the process's exit frees it.
 *
 * <p>If that private method changes in a later ONNX Runtime, the hold is skipped with a warning: sessions still work,
 * and the crash at shutdown can come back.
 */
public final class OrtEnvironments {

    private static final Logger log = LoggerFactory.getLogger(OrtEnvironments.class);

    /** Set once holding was tried: request threads read it without OrtEnvironment.getEnvironment()'s lock. */
    private static volatile OrtEnvironment environment;
    private static volatile boolean held;

    private OrtEnvironments() {
    }

    /** The process's ONNX Runtime environment, held past the JVM's shutdown hooks. */
    public static OrtEnvironment get() {
        OrtEnvironment known = environment;
        return known != null ? known : hold();
    }

    /** Whether the extra reference was taken (false only when ONNX Runtime's internals did not allow it). */
    static boolean held() {
        return held;
    }

    private static synchronized OrtEnvironment hold() {
        if (environment != null) {
            return environment;
        }
        OrtEnvironment created = OrtEnvironment.getEnvironment();
        try {
            Field api = Class.forName("ai.onnxruntime.OnnxRuntime", true, OrtEnvironment.class.getClassLoader())
                    .getDeclaredField("ortApiHandle");
            api.setAccessible(true);
            Method createHandle = OrtEnvironment.class.getDeclaredMethod("createHandle", long.class, int.class,
                    String.class);
            createHandle.setAccessible(true);
            createHandle.invoke(null, api.getLong(null), OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING.getValue(),
                    OrtEnvironment.DEFAULT_NAME);
            held = true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("ONNX Runtime's environment could not be held past shutdown ({}): a shutdown while a model loads "
                    + "or serves may end in a crash inside ONNX Runtime", e.toString());
        }
        environment = created;
        return created;
    }
}
