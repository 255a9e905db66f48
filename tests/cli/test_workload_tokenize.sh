#!/usr/bin/env bash
# serve/workload's token targeting against the model's own tokenizer: a real llama-server on a tiny synthetic model
# (the llama SentencePiece vocabulary), its POST /tokenize counting every prompt test_workload builds from
# data/prompts; and serve/prom's scrape of its /metrics (started with --metrics), without it (501).
# Skipped (exit 77) when no llama-server is installed: $COMPUTELLM_LLAMA_SERVER, `llama-server` on PATH, or the
# build `scripts/setup --llama-server` makes in .deps/llama-server/bin/.
# Usage: test_workload_tokenize.sh PATH/TO/computellm   (test_workload is found in the build folder beside it)
set -u
BIN=$1
SRC=${CLLM_SRC:-.}
UNIT="$(dirname "$BIN")/tests/test_workload"
server=${COMPUTELLM_LLAMA_SERVER:-}
[ -n "$server" ] || server=$(command -v llama-server 2>/dev/null || true)
[ -n "$server" ] || { [ -x "$SRC/.deps/llama-server/bin/llama-server" ] && server="$SRC/.deps/llama-server/bin/llama-server"; }
if [ -z "$server" ]; then
  echo "skip: no llama-server installed (scripts/setup --llama-server builds one; or set COMPUTELLM_LLAMA_SERVER)" >&2
  exit 77
fi
if ! ls "$SRC"/.deps/llama/*/libllama*.so >/dev/null 2>&1; then
  echo "skip: the llama.cpp libraries are not installed (scripts/setup): no synthetic model can be made" >&2
  exit 77
fi
if ! "$BIN" --version | grep -q "CLLM_WITH_CURL=ON"; then
  echo "skip: this build has no libcurl (POST /tokenize needs it)" >&2
  exit 77
fi
[ -x "$UNIT" ] || { echo "FAIL: $UNIT not built" >&2; exit 1; }
echo "llama-server: $server" >&2

T=$(mktemp -d /tmp/cllm_wltok.XXXXXX)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
. "$(dirname "$0")/lib.sh"

printf '{"models": {%s}}\n' "$(llm_entry tiny-test "Tiny test model" 0.02B 0.5 0.02)" >"$T/models.json"
expect_rc "a tiny synthetic model" 0 "$BIN" synth tiny-test --models-file "$T/models.json" -o "$T/tiny.gguf"

# start: llama-server on a free loopback port; waits (bounded) until /health answers 200
start() {
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$server" -m "$T/tiny.gguf" --port "$port" --host 127.0.0.1 --ctx-size 4096 -ngl 0 "$@" >"$T/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do
    curl -s -m 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health" 2>/dev/null | grep -q 200 && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  echo "llama-server did not come up:" >&2
  tail -5 "$T/server.log" >&2
  return 1
}
stop() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=""; }

if check "llama-server up (with --metrics)" start --metrics; then
  url="http://127.0.0.1:$port"
  # the shape test_workload relies on: {"tokens": [ids]}, no BOS unless asked
  check "POST /tokenize answers {\"tokens\": [...]}" bash -c \
    "curl -s -m 10 -d '{\"content\": \"Hello world\", \"add_special\": false}' $url/tokenize | jq -e '.tokens | length >= 2' >/dev/null"
  CLLM_TEST_TOKENIZE_URL=$url CLLM_TEST_PROM_URL=$url expect_rc "test_workload against the real tokenizer" 0 "$UNIT"
  check "... the real-tokenizer test ran (not skipped)" grep -q "ok   test_real_tokenizer" "$T/err"
  grep "real tokenizer:" "$T/err" >&2
  check "... and /metrics scraped from it" grep -q "ok   test_real_metrics" "$T/err"
  # each language's passages, all of them, in the model's tokens: a 2000-token prompt repeats hardly any
  for l in en fr zh es de ar; do
    n=$(jq -s -c --arg l "$l" '{content: ([.[] | select(.lang == $l and .kind == "passage") | .text] | join("\n\n")),
                               add_special: false}' "$SRC/data/prompts/$l.jsonl" |
        curl -s -m 30 -d @- "$url/tokenize" | jq '.tokens | length')
    echo "  corpus $l: ${n:-?} tokens of passages" >&2
    check "corpus $l: at least 1900 tokens of passages" test "${n:-0}" -ge 1900
  done
  stop
fi
if check "llama-server up (without --metrics)" start; then
  CLLM_TEST_PROM_URL="http://127.0.0.1:$port" CLLM_TEST_PROM_EXPECT=501 expect_rc "no --metrics: the scrape says so" 0 "$UNIT"
  check "... the metrics test ran (not skipped)" grep -q "ok   test_real_metrics" "$T/err"
  stop
fi
summary
