// What every browser test of the GUI shares: where the source, the binary, the screenshots and Chromium are
// (CLLM_SRC, CLLM_BIN, CLLM_ARTIFACTS, CLLM_CHROMIUM), playwright-core from deps/test.lock, the installed libllama
// folder (null without one: the LLM checks are skipped and say so) and the tiny synthetic model's registry entry.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SRC = path.resolve(process.env.CLLM_SRC || path.join(here, '..', '..'));
export const BIN = path.resolve(process.env.CLLM_BIN || path.join(SRC, 'build', 'computellm'));
export const ARTIFACTS = path.resolve(process.env.CLLM_ARTIFACTS || path.join(SRC, 'build', 'test-artifacts'));
export const CHROMIUM = process.env.CLLM_CHROMIUM || '/usr/bin/chromium';
export const MODS = path.join(SRC, '.deps', 'node', 'node_modules');
export const {chromium} = await import(path.join(MODS, 'playwright-core', 'index.mjs'));

export const llamaDir = ['cpu', 'vulkan', 'cuda'].map(v => path.join(SRC, '.deps', 'llama', v))
  .find(d => fs.existsSync(d) && fs.readdirSync(d).some(f => /^libllama.*\.so$/.test(f))) || null;

// n_layer 2, n_embd 256: made by `computellm synth` in seconds
export const TINY_MODELS = {models: {'tiny-test': {
  name: 'Tiny test model', params: '0.02B', repo: 'none/none', default_quant: 'Q4_K_M', min_ram_gb: 0.5,
  chat_template: 'zephyr',
  arch: {arch: 'llama', n_layer: 2, n_embd: 256, n_ff: 512, n_head: 4, n_head_kv: 2, n_vocab: 32000,
         n_ctx_train: 2048, rope_theta: 10000.0, rms_norm_eps: 1e-5},
  quants: {Q4_K_M: {file: 'tiny-test.Q4_K_M.gguf', size_gb: 0.02, min_ram_gb: 0.5}}}}};
