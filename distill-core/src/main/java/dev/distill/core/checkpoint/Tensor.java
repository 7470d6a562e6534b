package dev.distill.core.checkpoint;

import java.util.Arrays;

/** A named float32 tensor in host memory, row-major. */
public record Tensor(long[] shape, float[] data) {
    public Tensor {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException(
                    "shape "
                            + Arrays.toString(shape)
                            + " holds "
                            + n
                            + " values but "
                            + data.length
                            + " were given");
        }
    }

    /** The transpose of a 2-D tensor. */
    public Tensor transpose2d() {
        if (shape.length != 2) {
            throw new IllegalArgumentException(
                    "transpose2d needs a 2-D tensor, got " + Arrays.toString(shape));
        }
        int rows = (int) shape[0];
        int cols = (int) shape[1];
        float[] out = new float[data.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = data[r * cols + c];
            }
        }
        return new Tensor(new long[] {cols, rows}, out);
    }
}
