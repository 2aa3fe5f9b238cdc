-- LoRA adapters (issue 23). strategy: how its job trained it (full, last_layers, head, lora; null for imports of
-- plain checkpoints); trainable_parameters: the weights its training updated; adapter: a LoRA model's adapter
-- {r, alpha, dropout, targetModules, modulesToSave, baseModel, adapterBytes} as JSON (null: a plain model);
-- base_model_id: the registered model it adapts, if its base is one (that model cannot be deleted while it is).
ALTER TABLE model ADD COLUMN strategy VARCHAR(32);
ALTER TABLE model ADD COLUMN trainable_parameters BIGINT;
ALTER TABLE model ADD COLUMN adapter VARCHAR(8000);
ALTER TABLE model ADD COLUMN base_model_id VARCHAR(36);
