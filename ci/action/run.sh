#!/usr/bin/env bash
# The action's scan step: builds the command with command.sh, runs it, and
# records its exit code and SARIF path as step outputs. Exits with
# leakgate's exit code (0 clean, 1 findings, 2 error), so the job fails on
# findings; the SARIF upload step runs anyway (if: always()).
#
# Environment: MODE, ARGS (extra arguments, split on whitespace), FAIL_ON,
# SARIF ("true"/"false"), LEAKGATE (the binary, default: leakgate on PATH),
# GITHUB_OUTPUT.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
sarif_file=""
case "${SARIF:-false}" in
  true) sarif_file=leakgate.sarif ;;
  false | "") ;;
  *)
    echo "leakgate: input sarif must be \"true\" or \"false\", not '$SARIF'" >&2
    exit 2
    ;;
esac

words=$("$here/command.sh" "${MODE:-range}" "${FAIL_ON:-}" "$sarif_file") || exit $?
cmd=()
while IFS= read -r word; do
  if [ -n "$word" ]; then cmd+=("$word"); fi
done <<< "$words"
if [ "${#cmd[@]}" -eq 0 ]; then
  echo "exit-code=0" >> "${GITHUB_OUTPUT:-/dev/null}"
  exit 0
fi

extra=()
if [ -n "${ARGS:-}" ]; then
  read -r -a extra <<< "$ARGS"
fi

echo "leakgate ${cmd[*]} ${extra[*]:-}"
code=0
"${LEAKGATE:-leakgate}" "${cmd[@]}" "${extra[@]+"${extra[@]}"}" || code=$?
{
  echo "exit-code=$code"
  if [ -n "$sarif_file" ] && [ -f "$sarif_file" ]; then
    echo "sarif-file=$sarif_file"
  fi
} >> "${GITHUB_OUTPUT:-/dev/null}"
exit "$code"
