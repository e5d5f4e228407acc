#!/usr/bin/env bash
# Runs every ```sh session block of a Markdown page, in order, in one bash shell from the repository
# root (where the page's commands expect to run), stopping at the first failing command.
#   run_doc_blocks.sh SOURCE_DIR PAGE
set -euo pipefail
source_dir="$1"
page="$2"
script="$(mktemp)"
trap 'rm -f "$script"' EXIT
{
  echo 'set -euo pipefail'
  echo 'trap '"'"'echo "FAILED: $BASH_COMMAND (exit $?)" >&2'"'"' ERR'
  # Whatever a block left running in the background stops with the script.
  echo 'trap '"'"'kill $(jobs -p) 2>/dev/null || true'"'"' EXIT'
  awk '/^```sh session$/ { on = 1; print "echo \"+ block " ++n "\""; next } /^```/ { on = 0 } on { print }' "$source_dir/$page"
} >"$script"
[ "$(grep -c '^echo "+ block' "$script")" -gt 0 ] || { echo "$page has no sh blocks" >&2; exit 1; }
cd "$source_dir"
bash "$script"
