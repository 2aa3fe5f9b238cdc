package dev.attune.modeling;

/** transformers' initialisation of a freshly created parameter: normal(0, initializer_range), zeros or ones. */
public enum ParameterInit {
    NORMAL, ZEROS, ONES
}
