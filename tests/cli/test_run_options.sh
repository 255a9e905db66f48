#!/usr/bin/env bash
# computellm run's options (src/app/run_request.c, one table and one check for the CLI and POST /api/runs): the
# docs' option tables are the table's, --runs and mode checks, credentials in a server address refused by run and
# serve-bench without being repeated, the API key in no results file or log, and the same bad request refused with
# the same message by the CLI (exit 2, stderr) and the API of `computellm gui` (400, error JSON).
# Usage: test_run_options.sh PATH/TO/computellm
set -u
BIN=$1
T=$(mktemp -d /tmp/cllm_runopt.XXXXXX)
gui=
trap '[ -n "$gui" ] && kill "$gui" 2>/dev/null; rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"

SRC=${CLLM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
expect_rc "run --options-markdown" 0 "$BIN" run --options-markdown
cp "$T/out" "$T/options.md"
check "the option table lists every run flag of --help" bash -c "
  \"$BIN\" run --help | grep -oE '^  --[a-z-]+' | sed 's/^  //' | while read -r f; do
    grep -q -- \"\\\`\$f\" '$T/options.md' || { echo \"missing \$f\" >&2; exit 1; }; done"
for doc in README.md docs/api.md; do
  sed -n '/<!-- run-options:begin -->/,/<!-- run-options:end -->/p' "$SRC/$doc" | sed '1d;$d' >"$T/doc_options.md"
  check "$doc: the run option table is the one of computellm run --options-markdown" \
    diff -u "$T/options.md" "$T/doc_options.md"
done
expect_rc "--runs 101 exits 2" 2 "$BIN" run --skip-classic --runs 101 --output "$T/r"
check "--runs: the range named" grep -q "runs (--runs): 101 is out of range \[1, 100\]" "$T/err"
expect_rc "--runs x exits 2" 2 "$BIN" run --runs x --output "$T/r"
expect_rc "--server-model without a server exits 2" 2 "$BIN" run --server-model tiny --output "$T/r"
check "--server-model: needs manual mode" grep -q "server_model (--server-model): only with a server address" "$T/err"
expect_rc "--compare with --skip-ai exits 2" 2 "$BIN" run --skip-ai --compare temperature --output "$T/r"

# credentials in the server address are refused before anything runs: no results file, not repeated on stderr
for u in "http://user:pw-s3cret@127.0.0.1:1" "http://127.0.0.1:1/v1?api_key=pw-s3cret" "http://127.0.0.1:1/#pw-s3cret"; do
  expect_rc "run --server-url with a credential exits 2 ($u)" 2 "$BIN" run --skip-classic --server-url "$u" \
    --output "$T/cred"
  check "the credential is not repeated ($u)" bash -c "! grep -q s3cret '$T/err' && grep -q 'api_key (--api-key)' '$T/err'"
  check "no results file for it" test -z "$(find "$T/cred" -name '*.json' 2>/dev/null)"
  expect_rc "serve-bench --server-url with a credential exits 2 ($u)" 2 "$BIN" serve-bench --server-url "$u" \
    --concurrency 1 --requests 1 --output-dir "$T/cred"
  check "serve-bench: the credential is not repeated ($u)" bash -c "! grep -q s3cret '$T/err'"
done
# an API key reaches the server's requests only: not the results file, not the log (at debug level)
expect_rc "run against an unreachable server exits 1" 1 "$BIN" -vv run --skip-classic --models tinyllama-1.1b \
  --server-url http://127.0.0.1:1 --server-model tiny --api-key sk-cli-s3cret --runs 1 --output "$T/key"
kres=$(cat "$T/out")
check "the run wrote its results file" test -f "$kres"
check "the API key is not in the results file" bash -c "! grep -q s3cret '$kres'"
check "the API key is not in the log" bash -c "! grep -q s3cret '$T/err'"
check "the server address is in the results as given" \
  jq -e '.ai_benchmarks.results["tinyllama-1.1b"].engine.url == "http://127.0.0.1:1"' "$kres" >/dev/null

# the same bad request gives the same message from the CLI (exit 2, stderr) and the API (400, error JSON)
if "$BIN" --version | grep -q "CLLM_WITH_MICROHTTPD=ON" && command -v curl >/dev/null; then
  "$BIN" gui --no-browser --port 0 --token cli-test-token --output "$T/gui" >"$T/gui.out" 2>"$T/gui.err" &
  gui=$!
  for _ in $(seq 100); do grep -q '^http://' "$T/gui.out" && break; sleep 0.1; done
  base=$(sed -n 's#^\(http://[^/]*\)/.*#\1#p' "$T/gui.out" | head -1)
  check "gui started for the comparison" test -n "$base"
  # CLI arguments | the POST /api/runs body of the same request
  while IFS='|' read -r args body; do
    # shellcheck disable=SC2086  # the arguments are words
    "$BIN" run $args --output "$T/same" >"$T/out" 2>"$T/err"
    rc=$?
    cli=$(sed -n '1s/^computellm run: //p' "$T/err")
    api=$(curl -s -o "$T/api.json" -w '%{http_code}' -H 'X-ComputeLLM-Token: cli-test-token' \
      -H 'Content-Type: application/json' -X POST "$base/api/runs" --data-binary "$body")
    msg=$(jq -r .error "$T/api.json")
    if [ "$rc" = 2 ] && [ "$api" = 400 ] && [ -n "$cli" ] && [ "$cli" = "$msg" ]; then
      ok "same refusal from CLI and API: $args"
    else
      bad "same refusal from CLI and API: $args (exit $rc, HTTP $api)"
      printf '    cli: %s\n    api: %s\n' "$cli" "$msg" >&2
    fi
  done <<'CASES'
--models no-such-model --skip-classic|{"models": ["no-such-model"], "skip_classic": true}
--models Bad/Key|{"models": ["Bad/Key"]}
--quant Q4_K_M.gguf|{"quant": "Q4_K_M.gguf"}
--server-url ftp://host|{"server_url": "ftp://host"}
--server-url http://127.0.0.1:1 --llama-server llama-server|{"server_url": "http://127.0.0.1:1", "llama_server": "llama-server"}
--server-url http://user:pw@127.0.0.1:1|{"server_url": "http://user:pw@127.0.0.1:1"}
--sampling gpu|{"sampling": "gpu"}
--server-url http://127.0.0.1:1/?key=pw|{"engine": "manual", "server_url": "http://127.0.0.1:1/?key=pw"}
--runs 0|{"runs": 0}
--runs 101 --skip-classic|{"runs": 101, "skip_classic": true}
--compare quant,colour|{"compare": ["quant", "colour"]}
--compare temperature --skip-ai|{"compare": "temperature", "skip_ai": true}
--server-model tiny|{"server_model": "tiny"}
--api-key k|{"api_key": "k"}
CASES
  check "no refused request started a run" bash -c "curl -s -H 'X-ComputeLLM-Token: cli-test-token' '$base/api/runs' |
    jq -e '.runs == []' >/dev/null"
  check "no credential in the gui's log" bash -c "! grep -q 'pw@' '$T/gui.err'"
  kill "$gui"
  wait "$gui" 2>/dev/null
  gui=
else
  echo "skip CLI/API comparison: no web GUI in this build or no curl" >&2
fi

summary
