package dev.attune.modeling;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;

/**
 * A TorchScript module compiled by libtorch from source text that attune writes itself: DJL has no
 * binding for fused kernels such as scaled_dot_product_attention, but libtorch compiles the
 * {@code code/} of a TorchScript archive when it loads one, and a module called with
 * {@code training = true} inside a GradientCollector is part of DJL's autograd graph.
 *
 * <p>The archive is the smallest libtorch accepts (see ../shared/KERNELS.md): every entry under one
 * folder; {@code version}; {@code constants.pkl}, an empty tuple; {@code data.pkl}, the module object
 * (class {@code __torch__.NAME}, attribute {@code training}); {@code code/__torch__.py}, the class.
 */
public final class TorchScriptModule {

    /** @param recording whether autograd records the call (its outputs must not be inference tensors) */
    private record Key(Device device, String className, Object variant, boolean recording) {
    }

    private static final Map<Key, PtSymbolBlock> MODULES = new ConcurrentHashMap<>();
    /** Own the compiled modules, one per device; never closed (the modules live as long as the JVM). */
    private static final Map<Device, NDManager> MANAGERS = new ConcurrentHashMap<>();

    private TorchScriptModule() {
    }

    /**
     * Runs a module on {@code inputs}, compiling it on first use for this device, variant and mode. DJL runs
     * a module called with training = false in inference mode, whose outputs autograd refuses: whenever
     * gradients are being recorded (also in eval mode, e.g. the golden gradient checks) the call records.
     * The output belongs to the first input's manager (the caller's batch scope).
     *
     * @param variant what distinguishes one compiled source from another of the same class (head count...)
     * @param source the class body, see {@link #load}; only built when the variant is first compiled
     */
    static NDArray call(String className, Object variant, Supplier<String> source, NDList inputs) {
        NDArray first = inputs.head();
        boolean recording = JniUtils.isGradMode();
        PtSymbolBlock module = MODULES.computeIfAbsent(new Key(first.getDevice(), className, variant, recording),
                key -> load(MANAGERS.computeIfAbsent(key.device(), NDManager::newBaseManager), className, source.get()));
        return module.forward(new ParameterStore(first.getManager(), false), inputs, recording).singletonOrThrow();
    }

    /**
     * Runs method {@code method} of a module with arguments other than tensors (tensor lists, floats,
     * flags), compiling it on first use for this device. The call runs without autograd (DJL's inference
     * mode), for kernels that update tensors in place, such as an optimizer step; the caller closes the result.
     */
    public static IValue run(Device device, String className, Supplier<String> source, String method,
            IValue... arguments) {
        PtSymbolBlock module = MODULES.computeIfAbsent(new Key(device, className, "", false),
                key -> load(MANAGERS.computeIfAbsent(key.device(), NDManager::newBaseManager), className, source.get()));
        return IValueUtils.runMethod(module, method, arguments);
    }

    /**
     * Compiles and loads a module. {@code source} is the body of {@code class NAME(Module)}: its typed
     * {@code forward(self: __torch__.NAME, ...)} and helpers, indented by four spaces.
     */
    static PtSymbolBlock load(NDManager manager, String className, String source) {
        byte[] archive = archive(className, source);
        try {
            return JniUtils.loadModule((PtNDManager) manager, new ByteArrayInputStream(archive), true, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] archive(String className, String source) {
        String folder = className.toLowerCase(java.util.Locale.ROOT) + "/";
        String code = "class " + className + "(Module):\n"
                + "    __parameters__ = []\n"
                + "    __buffers__ = []\n"
                + "    training : bool\n"
                + source;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            entry(zip, folder + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
            entry(zip, folder + "constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            entry(zip, folder + "data.pkl", modulePickle(className));
            entry(zip, folder + "code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Pickle protocol 2 of {@code __torch__.NAME()} with its state {"training": True}. */
    private static byte[] modulePickle(String className) {
        byte[] global = ("c__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] training = "training".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer pickle = ByteBuffer.allocate(global.length + training.length + 16).order(ByteOrder.LITTLE_ENDIAN);
        pickle.put((byte) 0x80).put((byte) 2) // PROTO 2
                .put(global) // GLOBAL __torch__.NAME
                .put((byte) ')') // EMPTY_TUPLE
                .put((byte) 0x81) // NEWOBJ
                .put((byte) '}') // EMPTY_DICT
                .put((byte) '(') // MARK
                .put((byte) 'X').putInt(training.length).put(training) // BINUNICODE "training"
                .put((byte) 0x88) // NEWTRUE
                .put((byte) 'u') // SETITEMS
                .put((byte) 'b') // BUILD
                .put((byte) '.'); // STOP
        byte[] out = new byte[pickle.position()];
        pickle.flip().get(out);
        return out;
    }

    private static void entry(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }
}
