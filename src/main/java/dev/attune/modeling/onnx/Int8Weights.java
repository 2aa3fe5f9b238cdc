package dev.attune.modeling.onnx;

/**
 * A linear layer's weight W (out, in) quantized to int8, symmetric (zero point 0), one scale per output
 * feature: q = round(w / scale) with scale = max|w| / 127 over that feature's row. Stored transposed,
 * (in, out), as MatMulInteger's right operand with a per-column scale.
 */
record Int8Weights(byte[] transposed, float[] scales) {

    static Int8Weights quantize(float[] weight, int out, int in) {
        float[] scales = new float[out];
        byte[] transposed = new byte[in * out];
        for (int o = 0; o < out; o++) {
            float max = 0;
            for (int i = 0; i < in; i++) {
                max = Math.max(max, Math.abs(weight[o * in + i]));
            }
            float scale = max == 0 ? 1 : max / 127f;
            scales[o] = scale;
            for (int i = 0; i < in; i++) {
                long q = Math.round(weight[o * in + i] / scale);
                transposed[i * out + o] = (byte) Math.max(-127, Math.min(127, q));
            }
        }
        return new Int8Weights(transposed, scales);
    }
}
