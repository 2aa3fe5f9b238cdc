-- A model's own serving precision (auto, fp32, int8, bf16); null: the node's attune.predict.precision.
ALTER TABLE model ADD COLUMN serving_precision VARCHAR(8);
