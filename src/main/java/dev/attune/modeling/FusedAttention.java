package dev.attune.modeling;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;

/**
 * Multi-head attention through libtorch's fused {@code scaled_dot_product_attention} (flash or
 * memory-efficient kernels where the device has them; on a CPU a fused kernel many times faster than
 * matmul-softmax-matmul in separate operations). The heads are split and merged inside the module,
 * so one call replaces about ten DJL operations. Modules are compiled once per device, head count,
 * dropout and mode, and live as long as the JVM.
 */
final class FusedAttention {

    /** @param recording whether autograd records the call (its outputs must not be inference tensors) */
    private record Key(Device device, int heads, long headDim, float dropout, boolean recording) {
    }

    private static final Map<Key, PtSymbolBlock> MODULES = new ConcurrentHashMap<>();
    /** Owns the compiled modules, one per device; never closed. */
    private static final Map<Device, NDManager> MANAGERS = new ConcurrentHashMap<>();

    private FusedAttention() {
    }

    /** q, k, v: (B, T, H); maskBias (B, 1, 1, T) additive; returns (B, T, H). */
    static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray maskBias, int heads, float dropout, boolean training) {
        long headDim = q.getShape().get(2) / heads;
        // DJL runs a module called with training = false in inference mode, whose outputs autograd refuses:
        // whenever gradients are being recorded (also in eval mode, e.g. the golden gradient checks), say true
        boolean recording = JniUtils.isGradMode();
        Key key = new Key(q.getDevice(), heads, headDim, training ? dropout : 0f, recording);
        PtSymbolBlock module = MODULES.computeIfAbsent(key, FusedAttention::compile);
        NDList out = module.forward(new ParameterStore(q.getManager(), false), new NDList(q, k, v, maskBias), recording);
        return out.singletonOrThrow();
    }

    private static PtSymbolBlock compile(Key key) {
        NDManager manager = MANAGERS.computeIfAbsent(key.device(), NDManager::newBaseManager);
        String source = """
                    def forward(self: __torch__.Attention, q: Tensor, k: Tensor, v: Tensor, mask: Tensor) -> Tensor:
                        b = torch.size(q, 0)
                        t = torch.size(q, 1)
                        qh = torch.transpose(torch.reshape(q, [b, t, %1$d, %2$d]), 1, 2)
                        kh = torch.transpose(torch.reshape(k, [b, t, %1$d, %2$d]), 1, 2)
                        vh = torch.transpose(torch.reshape(v, [b, t, %1$d, %2$d]), 1, 2)
                        context = torch.scaled_dot_product_attention(qh, kh, vh, mask, %3$s)
                        return torch.reshape(torch.transpose(context, 1, 2), [b, t, %4$d])
                """.formatted(key.heads(), key.headDim(), Float.toString(key.dropout()), key.heads() * key.headDim());
        return TorchScriptModule.load(manager, "Attention", source);
    }
}
