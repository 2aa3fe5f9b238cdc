package dev.attune.modeling.onnx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import com.google.protobuf.CodedOutputStream;

/**
 * An ONNX graph under construction, written as ONNX's protobuf (onnx.proto's ModelProto) field by field:
 * nodes in topological order, weights as raw little-endian initializers, named inputs and outputs with
 * symbolic dimensions. Field numbers are onnx.proto's; ONNX publishes no Java classes for them.
 */
final class OnnxGraph {

    /** onnx.proto TensorProto.DataType. */
    enum DataType {
        FLOAT(1), UINT8(2), INT8(3), INT32(6), INT64(7), BOOL(9);

        final int code;

        DataType(int code) {
            this.code = code;
        }
    }

    /** A node attribute: an int, a float, or a list of ints (AttributeProto fields i, f, ints). */
    record Attribute(String name, Object value) {

        static Attribute of(String name, long value) {
            return new Attribute(name, value);
        }

        static Attribute of(String name, float value) {
            return new Attribute(name, value);
        }

        static Attribute ints(String name, long... values) {
            return new Attribute(name, values);
        }
    }

    /** A weight as the graph stores it: raw little-endian bytes of {@code type}, shape {@code dims}. */
    record Initializer(String name, DataType type, long[] dims, byte[] raw) {
    }

    private static final int IR_VERSION = 8; // opset 17's IR version

    private final List<byte[]> nodes = new ArrayList<>();
    private final List<byte[]> initializers = new ArrayList<>();
    private final List<byte[]> inputs = new ArrayList<>();
    private final List<byte[]> outputs = new ArrayList<>();
    /** Every initializer written, when a caller asked to see them ({@link #keepInitializers}); else null. */
    private List<Initializer> kept;
    private int counter;

    /** From now on the graph also keeps each initializer it writes ({@link #initializers}), to share between sessions. */
    void keepInitializers() {
        kept = new ArrayList<>();
    }

    List<Initializer> initializers() {
        return kept == null ? List.of() : List.copyOf(kept);
    }

    /** A one-output node; returns the output's name. */
    String node(String op, List<String> in, Attribute... attributes) {
        return node(op, in, 1, attributes)[0];
    }

    /** A node with several outputs; returns their names. */
    String[] node(String op, List<String> in, int outputCount, Attribute... attributes) {
        String name = op + "_" + counter++;
        String[] out = new String[outputCount];
        for (int i = 0; i < outputCount; i++) {
            out[i] = name + (outputCount == 1 ? "" : "_" + i);
        }
        nodes.add(message(o -> {
            for (String input : in) {
                o.writeString(1, input);
            }
            for (String output : out) {
                o.writeString(2, output);
            }
            o.writeString(3, name);
            o.writeString(4, op);
            for (Attribute attribute : attributes) {
                o.writeByteArray(5, attribute(attribute));
            }
        }));
        return out;
    }

    /** Renames a value: an Identity node, so an output can carry the name a caller expects. */
    void identity(String from, String to) {
        nodes.add(message(o -> {
            o.writeString(1, from);
            o.writeString(2, to);
            o.writeString(3, "Identity_" + counter++);
            o.writeString(4, "Identity");
        }));
    }

    String floats(String name, long[] dims, float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return initializer(name, DataType.FLOAT, dims, raw.array());
    }

    String scalar(float value) {
        return floats("const_" + counter++, new long[0], new float[] {value});
    }

    String int64s(String name, long[] dims, long[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        return initializer(name, DataType.INT64, dims, raw.array());
    }

    /** A 1-D int64 constant (shapes, axes, indices). */
    String longs(long... values) {
        return int64s("const_" + counter++, new long[] {values.length}, values);
    }

    String int64Scalar(long value) {
        return int64s("const_" + counter++, new long[0], new long[] {value});
    }

    String bytes(String name, DataType type, long[] dims, byte[] values) {
        return initializer(name, type, dims, values);
    }

    private String initializer(String name, DataType type, long[] dims, byte[] raw) {
        if (kept != null) {
            kept.add(new Initializer(name, type, dims, raw));
        }
        initializers.add(message(o -> {
            for (long dim : dims) {
                o.writeInt64(1, dim);
            }
            o.writeInt32(2, type.code);
            o.writeString(8, name);
            o.writeByteArray(9, raw);
        }));
        return name;
    }

    /** A graph input; each dimension a fixed size (Long) or a symbolic name (String). */
    void input(String name, DataType type, Object... dims) {
        inputs.add(valueInfo(name, type, dims));
    }

    void output(String name, DataType type, Object... dims) {
        outputs.add(valueInfo(name, type, dims));
    }

    /** The serialized ModelProto: this graph with opset 17 of the default domain. */
    byte[] toModel(String graphName, String producer, String docString) {
        byte[] graph = message(o -> {
            for (byte[] node : nodes) {
                o.writeByteArray(1, node);
            }
            o.writeString(2, graphName);
            for (byte[] initializer : initializers) {
                o.writeByteArray(5, initializer);
            }
            for (byte[] input : inputs) {
                o.writeByteArray(11, input);
            }
            for (byte[] output : outputs) {
                o.writeByteArray(12, output);
            }
        });
        byte[] opset = message(o -> {
            o.writeString(1, "");
            o.writeInt64(2, 17);
        });
        return message(o -> {
            o.writeInt64(1, IR_VERSION);
            o.writeString(2, producer);
            o.writeString(6, docString);
            o.writeByteArray(7, graph);
            o.writeByteArray(8, opset);
        });
    }

    private static byte[] valueInfo(String name, DataType type, Object... dims) {
        byte[] shape = message(o -> {
            for (Object dim : dims) {
                o.writeByteArray(1, message(d -> {
                    if (dim instanceof String symbol) {
                        d.writeString(2, symbol);
                    } else {
                        d.writeInt64(1, ((Number) dim).longValue());
                    }
                }));
            }
        });
        byte[] tensorType = message(o -> {
            o.writeInt32(1, type.code);
            o.writeByteArray(2, shape);
        });
        byte[] typeProto = message(o -> o.writeByteArray(1, tensorType));
        return message(o -> {
            o.writeString(1, name);
            o.writeByteArray(2, typeProto);
        });
    }

    private static byte[] attribute(Attribute attribute) {
        return message(o -> {
            o.writeString(1, attribute.name());
            Object value = attribute.value();
            if (value instanceof Long i) {
                o.writeInt64(3, i);
                o.writeInt32(20, 2); // AttributeType INT
            } else if (value instanceof Float f) {
                o.writeFloat(2, f);
                o.writeInt32(20, 1); // FLOAT
            } else if (value instanceof long[] ints) {
                for (long i : ints) {
                    o.writeInt64(8, i);
                }
                o.writeInt32(20, 7); // INTS
            } else {
                throw new IllegalArgumentException("attribute type " + value.getClass());
            }
        });
    }

    private interface Fields {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Fields fields) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            fields.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
