package dev.attune.modeling;

import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.attune.checkpoint.CheckpointException;
import dev.attune.checkpoint.Tensor;

/**
 * A LoRA adapter over one loaded encoder: for each target linear layer a pair A (r × in), B (out × r) whose
 * product, scaled by alpha / r, is added to the layer's output; and, when it serves over a base shared with
 * other adapters, its own head (the classifier, and the pooler where there is one), which replaces the base's
 * head layers while it is active. The encoder's blocks ask {@link #active()} for the adapter of the forward
 * pass running on their thread, so one base serves many adapters, each forward pass under one of them.
 */
public final class LoraAdapter implements AutoCloseable {

    /** One target layer's trained pair: a (r, in), b (out, r). */
    public record Pair(NDArray a, NDArray b) {
    }

    /** A head layer's own weights, replacing the shared base's while the adapter is active. */
    record Weights(NDArray weight, NDArray bias) {
    }

    private static final ThreadLocal<LoraAdapter> ACTIVE = new ThreadLocal<>();
    /** The last input dropped out on this thread and its dropped copy, for the layers that read the same input. */
    private static final ThreadLocal<NDArray[]> DROPPED = new ThreadLocal<>();

    private final LoraSettings settings;
    private final Map<String, Pair> pairs;
    private final Map<String, Weights> heads;
    private final Map<Linear, Pair> pairByLayer = new IdentityHashMap<>();
    private final Map<Linear, Weights> headByLayer = new IdentityHashMap<>();
    private final NDManager owned;
    private Path baseDir;
    private String baseName;

    private LoraAdapter(SequenceClassifier block, LoraSettings settings, Map<String, Pair> pairs,
            Map<String, Weights> heads, NDManager owned) {
        this.settings = settings;
        this.pairs = pairs;
        this.heads = heads;
        this.owned = owned;
        Map<String, Linear> layers = linearLayers(block);
        pairs.forEach((module, pair) -> pairByLayer.put(layerOf(layers, module), pair));
        heads.forEach((module, weights) -> headByLayer.put(layerOf(layers, module), weights));
    }

    /**
     * A fresh adapter on every target layer outside the head, initialised as PEFT does: A Kaiming-uniform
     * (a = √5, so uniform in ±1/√in) from {@code seed}, B zeros, so the adapted model starts as the base.
     * Its arrays live in {@code manager} (the model's).
     */
    public static LoraAdapter fresh(SequenceClassifier block, LoraSettings settings, NDManager manager, long seed) {
        Random random = new Random(seed);
        Map<String, Pair> pairs = new LinkedHashMap<>();
        linearLayers(block).forEach((module, layer) -> {
            if (settings.targets(module) && !block.isHeadParameter(module + ".weight")) {
                Shape shape = layer.expectedShape("weight"); // (out, in)
                long out = shape.get(0);
                long in = shape.get(1);
                float bound = (float) (1 / Math.sqrt(in));
                float[] a = new float[(int) (settings.r() * in)];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (random.nextFloat() * 2 - 1) * bound;
                }
                pairs.put(module, new Pair(manager.create(a, new Shape(settings.r(), in)),
                        manager.zeros(new Shape(out, settings.r()), DataType.FLOAT32)));
            }
        });
        if (pairs.isEmpty()) {
            throw new CheckpointException("No linear layer of this " + block.config().modelType() + " matches the LoRA "
                    + "targetModules " + settings.targetModules() + "; modules are named as in transformers, such as "
                    + LoraSettings.defaultTargets(block.config().modelType()));
        }
        return new LoraAdapter(block, settings, pairs, Map.of(), null);
    }

    /**
     * An adapter read from a file's tensors ({@link LoraFiles} names: "module.lora_A.weight", head parameters by
     * their own names), its arrays in a manager of its own (closed with it).
     *
     * @param ownHead whether the head tensors replace the base's head while active (a base shared with other
     *     adapters); false when the caller binds them into the base itself
     */
    static LoraAdapter read(SequenceClassifier block, LoraSettings settings, Map<String, Tensor> lora,
            Map<String, Tensor> head, NDManager manager, boolean ownHead) {
        Map<String, Linear> layers = linearLayers(block);
        Map<String, Pair> pairs = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> entry : lora.entrySet()) {
            String name = entry.getKey();
            if (!name.endsWith(".lora_A.weight")) {
                continue;
            }
            String module = name.substring(0, name.length() - ".lora_A.weight".length());
            Tensor a = entry.getValue();
            Tensor b = lora.get(module + ".lora_B.weight");
            Linear layer = layerOf(layers, module);
            Shape weight = layer.expectedShape("weight");
            if (b == null || !a.djlShape().equals(new Shape(settings.r(), weight.get(1)))
                    || !b.djlShape().equals(new Shape(weight.get(0), settings.r()))) {
                throw new CheckpointException("LoRA tensors of '" + module + "' are " + a + " and " + b + "; rank "
                        + settings.r() + " over a " + weight + " weight needs A [" + settings.r() + ", " + weight.get(1)
                        + "] and B [" + weight.get(0) + ", " + settings.r() + "]");
            }
            pairs.put(module, new Pair(manager.create(a.data(), a.djlShape()), manager.create(b.data(), b.djlShape())));
        }
        if (pairs.isEmpty()) {
            throw new CheckpointException("The adapter has no lora_A / lora_B tensors");
        }
        Map<String, Weights> heads = new LinkedHashMap<>();
        if (ownHead) {
            for (String module : headModules(head)) {
                Tensor weight = head.get(module + ".weight");
                Tensor bias = head.get(module + ".bias");
                if (bias == null) {
                    throw new CheckpointException("The adapter's head has '" + module + ".weight' but no bias");
                }
                heads.put(module, new Weights(manager.create(weight.data(), weight.djlShape()),
                        manager.create(bias.data(), bias.djlShape())));
            }
        }
        return new LoraAdapter(block, settings, pairs, heads, manager);
    }

    private static List<String> headModules(Map<String, Tensor> head) {
        return head.keySet().stream().filter(name -> name.endsWith(".weight"))
                .map(name -> name.substring(0, name.length() - ".weight".length())).toList();
    }

    /** Every linear layer by its module name ("bert.encoder.layer.0.attention.self.query"). */
    static Map<String, Linear> linearLayers(SequenceClassifier block) {
        Map<String, Linear> layers = new LinkedHashMap<>();
        ParameterNames.of(block).forEach((name, slot) -> {
            if (slot.owner() instanceof Linear linear && name.endsWith(".weight")) {
                layers.put(name.substring(0, name.length() - ".weight".length()), linear);
            }
        });
        return layers;
    }

    private static Linear layerOf(Map<String, Linear> layers, String module) {
        Linear layer = layers.get(module);
        if (layer == null) {
            throw new CheckpointException("The adapter names a module the base model lacks: '" + module + "'");
        }
        return layer;
    }

    /** The adapter of the forward pass running on this thread; null: the base alone. */
    static LoraAdapter active() {
        return ACTIVE.get();
    }

    /** Runs a forward pass with this adapter active on this thread. */
    public <T> T during(Supplier<T> forward) {
        LoraAdapter previous = ACTIVE.get();
        ACTIVE.set(this);
        try {
            return forward.get();
        } finally {
            DROPPED.remove();
            if (previous == null) {
                ACTIVE.remove();
            } else {
                ACTIVE.set(previous);
            }
        }
    }

    /**
     * An adapted layer's input after the adapter's dropout. The layers that read the same input (query and value
     * read the same hidden states) share one mask: drawing it is most of what the adapters cost a training step on
     * a CPU (4.7 ms per mask at 32 × 42 tokens, against 0.75 ms for a sum over the same tensor), and each layer
     * still sees its input dropped at the rate asked. PEFT draws one mask per layer.
     */
    NDArray dropped(NDArray x, boolean training) {
        if (!training || settings.dropout() == 0) {
            return x;
        }
        NDArray[] last = DROPPED.get();
        if (last != null && last[0] == x) {
            return last[1];
        }
        NDArray dropped = Attention.dropout(x, settings.dropout(), true);
        DROPPED.set(new NDArray[] {x, dropped});
        return dropped;
    }

    Pair pairOf(Linear layer) {
        return pairByLayer.get(layer);
    }

    Weights headOf(Linear layer) {
        return headByLayer.get(layer);
    }

    public LoraSettings settings() {
        return settings;
    }

    /** Says which base checkpoint it adapts: its directory here and its name for PEFT (base_model_name_or_path). */
    LoraAdapter over(Path dir, String name) {
        this.baseDir = dir;
        this.baseName = name;
        return this;
    }

    /** The base checkpoint's directory; null when it was never said (an adapter over a shared base). */
    public Path baseDir() {
        return baseDir;
    }

    public String baseName() {
        return baseName;
    }

    /** The trained pairs by module name, in layer order. */
    public Map<String, Pair> pairs() {
        return pairs;
    }

    /** The weights of the adapter's pairs (A then B of each), for the optimizer and the adapter's size. */
    public long pairParameters() {
        return pairs.values().stream().mapToLong(p -> p.a().size() + p.b().size()).sum();
    }

    /** W + B A · alpha / r: a target layer's weight with the adapter merged in (a new array in W's manager). */
    public NDArray merged(String module, NDArray weight) {
        Pair pair = pairs.get(module);
        if (pair == null) {
            return weight;
        }
        return weight.add(pair.b().matMul(pair.a()).mul(Scalars.of(weight, (float) settings.scale())));
    }

    @Override
    public void close() {
        if (owned != null) {
            owned.close();
        }
    }
}
