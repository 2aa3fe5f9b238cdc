package dev.attune.modeling;

import ai.djl.ndarray.types.Shape;

/** A leaf block that knows the shape each of its parameters must have, for checking checkpoints. */
public interface ExpectsShapes {

    Shape expectedShape(String parameterName);

    /** How transformers initialises this parameter when a checkpoint lacks it. */
    ParameterInit init(String parameterName);
}
