package dev.distill.core.objective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Scalars as 0-d arrays of the operand's manager and dtype. DJL's {@code x.mul(float)} makes a
 * temporary that it frees at once, which corrupts gradients once the autograd graph outlives it; a
 * scalar array of the step lives as long as the graph does. Matching the dtype keeps float64 tests
 * in float64 and float32 training in float32.
 */
final class Scalars {
    private Scalars() {}

    static NDArray of(NDArray like, double v) {
        NDArray d = like.getManager().create(v); // () float64, exact
        return like.getDataType() == DataType.FLOAT64 ? d : d.toType(like.getDataType(), false);
    }
}
