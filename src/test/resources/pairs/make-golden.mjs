// Reference pair encodings from Hugging Face tokenizers' own Node binding (not from attune), as transformers
// encodes tokenizer(text, text_pair, truncation=True, max_length=N): truncation longest_first, no padding.
// Regenerate: npm install tokenizers@0.23.2 && node make-golden.mjs > golden-pairs.json
import { createRequire } from 'module';
const require = createRequire(import.meta.url);
const { Tokenizer } = require('tokenizers');

const cases = [
  ['A man is playing a guitar on stage.', 'Someone performs music.', 64],
  ['The cat sat on the mat while the dog slept by the warm fire in the old house.', 'An animal rests.', 12],
  ['Short premise.', 'A much longer hypothesis that keeps going and going with many words in it.', 10],
  ['Both sides are long enough to be cut down here.', 'And the second side is long as well, to be cut too.', 9],
];

const out = {};
for (const model of ['tiny-bert', 'tiny-distilbert', 'tiny-roberta']) {
  const tokenizer = Tokenizer.fromFile(`../golden/${model}/tokenizer.json`);
  tokenizer.disablePadding();
  out[model] = [];
  for (const [text, pair, maxLength] of cases) {
    tokenizer.setTruncation(maxLength, { strategy: 'LongestFirst' });
    const encoding = await tokenizer.encode(text, pair);
    out[model].push({ text, pair, maxLength, ids: encoding.getIds(), typeIds: encoding.getTypeIds() });
  }
}
console.log(JSON.stringify(out, null, 1));
