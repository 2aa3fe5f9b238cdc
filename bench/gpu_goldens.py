"""Golden references for the next architectures, in shared/golden's format (its README), made offline.

Usage: python3 bench/gpu_goldens.py OUT_DIR CORPUS_CSV [names...]
Writes OUT_DIR/tiny-<name>/ for each of deberta-v2, deberta-v3, electra, albert, mpnet, modernbert (default all):
a tiny random-init *ForSequenceClassification checkpoint (config.json, model.safetensors, tokenizer.json,
tokenizer_config.json) and golden.json: texts, input_ids, attention_mask (token_type_ids where the tokenizer
makes them), labels, logits, loss, last_hidden_state, grad_norms (L2 norm of each parameter's gradient of the
loss, by transformers' parameter name), note. Computed as shared/golden's were: CPU, float32, eval mode (dropout
off), padding=True, truncation=True, max_length=64; biases and norm weights perturbed so that a wrong mapping
cannot hide behind ones and zeros. Tokenizers (vocab 1,000) are trained here from CORPUS_CSV's texts with the
tokenizers library (no Hub access): WordPiece for ELECTRA and MPNet, Unigram (SentencePiece-style, Metaspace) for
DeBERTa and ALBERT, byte-level BPE for ModernBERT. Prints one `RESULT golden ...` line per model.
"""
import csv
import gzip
import json
import os
import sys

import torch
import transformers
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

try:
    from transformers import PreTrainedTokenizerFast as FastTokenizer
except ImportError:  # transformers 5 names it TokenizersBackend
    from transformers import TokenizersBackend as FastTokenizer

TEXTS = ["a gorgeous , witty , seductive movie .",
         "the plot is nothing but boilerplate clichés from start to finish ,",
         "it's a charming and often affecting journey . ",
         "unk: zzqx ☃ ok"]
LABELS = [1, 0, 1, 0]
MAX_LENGTH = 64
VOCAB = 1000
SIZES = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=37)


def corpus(path, n=5000):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        return [row["text"] for _, row in zip(range(n), csv.DictReader(f))]


def wordpiece(texts, cls, sep, pad, unk, mask, lowercase=True, order=None):
    tok = Tokenizer(models.WordPiece(unk_token=unk))
    tok.normalizer = normalizers.BertNormalizer(lowercase=lowercase)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    specials = order or [pad, unk, cls, sep, mask]
    tok.train_from_iterator(texts, trainers.WordPieceTrainer(vocab_size=VOCAB, special_tokens=specials))
    return tok, specials


def unigram(texts, cls, sep, pad, unk, mask, lowercase):
    tok = Tokenizer(models.Unigram())
    steps = [normalizers.Replace("``", '"'), normalizers.Replace("''", '"'), normalizers.NFKC()]
    tok.normalizer = normalizers.Sequence(steps + ([normalizers.Lowercase()] if lowercase else []))
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    specials = [pad, unk, cls, sep, mask]
    tok.train_from_iterator(texts, trainers.UnigramTrainer(vocab_size=VOCAB, special_tokens=specials, unk_token=unk))
    return tok, specials


def bytelevel(texts, cls, sep, pad, unk, mask):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    specials = [unk, cls, sep, pad, mask]
    tok.train_from_iterator(texts, trainers.BpeTrainer(vocab_size=VOCAB, special_tokens=specials,
                                                       initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    return tok, specials


def wrap(tok, cls, sep, pad, unk, mask, token_types):
    """[CLS] A [SEP] (and [CLS] A [SEP] B [SEP] for pairs), as the architecture's own tokenizer frames texts."""
    cls_id, sep_id = tok.token_to_id(cls), tok.token_to_id(sep)
    pair = f"{cls} $A:0 {sep} $B:1 {sep}:1" if token_types else f"{cls} $A {sep} {sep} $B {sep}"
    tok.post_processor = processors.TemplateProcessing(single=f"{cls} $A {sep}", pair=pair,
                                                       special_tokens=[(cls, cls_id), (sep, sep_id)])
    fast = FastTokenizer(tokenizer_object=tok, cls_token=cls, sep_token=sep, pad_token=pad, unk_token=unk,
                         mask_token=mask, model_max_length=MAX_LENGTH)
    fast.model_input_names = ["input_ids", "token_type_ids", "attention_mask"] if token_types \
        else ["input_ids", "attention_mask"]
    return fast


def make(name, texts):
    """(config, tokenizer) of one tiny model."""
    labels = dict(id2label={0: "negative", 1: "positive"}, label2id={"negative": 0, "positive": 1})
    if name in ("deberta-v2", "deberta-v3"):
        specials = ("[CLS]", "[SEP]", "[PAD]", "[UNK]", "[MASK]")
        tok = wrap(unigram(texts, *specials, lowercase=False)[0], *specials, token_types=False)
        # v3 (deberta-v3-base's settings): relative attention with log buckets, p2c+c2p, shared keys,
        # layer-normed relative embeddings, no absolute positions, no token types; v2 (xlarge) adds the conv layer
        v3 = dict(relative_attention=True, pos_att_type=["p2c", "c2p"], position_buckets=16, max_relative_positions=-1,
                  norm_rel_ebd="layer_norm", share_att_key=True, position_biased_input=False, type_vocab_size=0)
        extra = dict(conv_kernel_size=3, conv_act="gelu") if name == "deberta-v2" else {}
        config = transformers.DebertaV2Config(vocab_size=VOCAB, max_position_embeddings=MAX_LENGTH,
                                              pad_token_id=tok.pad_token_id, **SIZES, **v3, **extra, **labels)
    elif name == "electra":
        specials = ("[CLS]", "[SEP]", "[PAD]", "[UNK]", "[MASK]")
        tok = wrap(wordpiece(texts, *specials)[0], *specials, token_types=True)
        config = transformers.ElectraConfig(vocab_size=VOCAB, embedding_size=24, max_position_embeddings=MAX_LENGTH,
                                            pad_token_id=tok.pad_token_id, **SIZES, **labels)
    elif name == "albert":
        specials = ("[CLS]", "[SEP]", "<pad>", "<unk>", "[MASK]")
        tok = wrap(unigram(texts, *specials, lowercase=True)[0], *specials, token_types=True)
        config = transformers.AlbertConfig(vocab_size=VOCAB, embedding_size=16, max_position_embeddings=MAX_LENGTH,
                                           pad_token_id=tok.pad_token_id, num_hidden_groups=1, inner_group_num=1,
                                           hidden_act="gelu_new", **SIZES, **labels)
    elif name == "mpnet":
        specials = ("<s>", "</s>", "<pad>", "<unk>", "<mask>")
        # ids as mpnet-base's: <s> 0, <pad> 1, </s> 2, <unk> 3 (positions start after the pad id)
        order = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
        tok = wrap(wordpiece(texts, *specials, order=order)[0], *specials, token_types=False)
        # positions start after the pad id, as RoBERTa's: max_position_embeddings covers MAX_LENGTH + pad + 1
        config = transformers.MPNetConfig(vocab_size=VOCAB, max_position_embeddings=MAX_LENGTH + 2,
                                          relative_attention_num_buckets=32, pad_token_id=tok.pad_token_id,
                                          bos_token_id=tok.cls_token_id, eos_token_id=tok.sep_token_id, **SIZES,
                                          **labels)
    elif name == "modernbert":
        specials = ("[CLS]", "[SEP]", "[PAD]", "[UNK]", "[MASK]")
        tok = wrap(bytelevel(texts, *specials)[0], *specials, token_types=False)
        # one global and one sliding-window layer (window 8: the longer texts reach past it), rotary positions
        config = transformers.ModernBertConfig(vocab_size=VOCAB, hidden_size=32, num_hidden_layers=2,
                                               num_attention_heads=4, intermediate_size=40,
                                               max_position_embeddings=MAX_LENGTH,
                                               layer_types=["full_attention", "sliding_attention"],
                                               local_attention=8, pad_token_id=tok.pad_token_id,
                                               cls_token_id=tok.cls_token_id, sep_token_id=tok.sep_token_id,
                                               bos_token_id=tok.cls_token_id, eos_token_id=tok.sep_token_id,
                                               **labels)
    else:
        raise SystemExit("unknown model " + name)
    return config, tok


def golden(name, texts, out):
    torch.manual_seed(1234)
    config, tok = make(name, texts)
    model = transformers.AutoModelForSequenceClassification.from_config(config, attn_implementation="eager")
    with torch.no_grad():  # perturb biases and norm weights: a wrong mapping must not hide behind ones and zeros
        for pname, p in model.named_parameters():
            if p.dim() == 1:
                p.add_(0.1 * torch.randn_like(p))
    model.eval()
    batch = tok(TEXTS, padding=True, truncation=True, max_length=MAX_LENGTH, return_tensors="pt")
    labels = torch.tensor(LABELS)
    with torch.no_grad():  # the encoder's output (ModernBERT's hidden_states[-1] would be before its final norm)
        hidden = model.base_model(**batch).last_hidden_state
    result = model(**batch, labels=labels)
    result.loss.backward()
    directory = os.path.join(out, "tiny-" + name)
    model.save_pretrained(directory)
    tok.save_pretrained(directory)
    record = {"texts": TEXTS, "input_ids": batch["input_ids"].tolist(),
              "attention_mask": batch["attention_mask"].tolist()}
    if "token_type_ids" in batch:
        record["token_type_ids"] = batch["token_type_ids"].tolist()
    record.update({
        "labels": LABELS, "logits": result.logits.tolist(), "loss": result.loss.item(),
        "last_hidden_state": hidden.tolist(),
        "grad_norms": {n: p.grad.norm().item() for n, p in model.named_parameters() if p.grad is not None},
        "note": f"transformers {transformers.__version__}, torch {torch.__version__}, CPU float32, eval mode, "
                f"{type(model).__name__} ({config.model_type}), attention eager; "
                f"padding=True, truncation=True, max_length={MAX_LENGTH}; made by bench/gpu_goldens.py"})
    with open(os.path.join(directory, "golden.json"), "w") as f:
        json.dump(record, f)
    parameters = sum(p.numel() for p in model.parameters())
    print(f"RESULT golden model=tiny-{name} class={type(model).__name__} parameters={parameters} "
          f"tokens={batch['input_ids'].shape[1]} loss={result.loss.item():.6f} grads={len(record['grad_norms'])}",
          flush=True)


if __name__ == "__main__":
    torch.set_num_threads(4)
    out, corpus_csv = sys.argv[1], sys.argv[2]
    names = sys.argv[3:] or ["deberta-v2", "deberta-v3", "electra", "albert", "mpnet", "modernbert"]
    texts = corpus(corpus_csv)
    failed = 0
    for name in names:
        try:
            golden(name, texts, out)
        except Exception as e:  # one architecture's failure must not cost the others
            failed += 1
            print(f"RESULT golden model=tiny-{name} FAILED {type(e).__name__}: {str(e)[:300]}", flush=True)
    sys.exit(1 if failed else 0)
