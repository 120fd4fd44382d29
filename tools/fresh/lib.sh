# Shared by tools/fresh-check and .ci/run: the "fresh machine" environment and the README's
# Quick start commands. Source it; it defines functions only.

# coreutils programs, linked into the reduced PATH when the host has them.
FRESH_COREUTILS="arch b2sum base32 base64 basename basenc cat chcon chgrp chmod chown chroot cksum comm cp csplit cut date dd df dir dircolors dirname du echo env expand expr factor false fmt fold groups head hostid id install join link ln logname ls md5sum mkdir mkfifo mknod mktemp mv nice nl nohup nproc numfmt od paste pathchk pinky pr printenv printf ptx pwd readlink realpath rm rmdir runcon seq sha1sum sha224sum sha256sum sha384sum sha512sum shred shuf sleep sort split stat stdbuf stty sum sync tac tail tee test timeout touch tr true truncate tsort tty uname unexpand uniq unlink users vdir wc who whoami yes ["

# fresh_bin DIR: fills DIR with links to the system's Node 20, npm, npx, bash/sh and coreutils,
# and tshark where installed (an optional test tool, not something the commands need).
fresh_bin() {
  local dir="$1" t p
  mkdir -p "$dir"
  for t in node npm npx bash sh; do
    p="$(command -v "$t")" || { echo "fresh_bin: $t not found on this machine" >&2; return 1; }
    ln -sf "$p" "$dir/$t"
  done
  if p="$(command -v tshark)"; then ln -sf "$p" "$dir/tshark"; fi
  for t in $FRESH_COREUTILS; do
    for p in "/usr/bin/$t" "/bin/$t"; do
      if [[ -x "$p" ]]; then ln -sf "$p" "$dir/$t"; break; fi
    done
  done
}

# readme_commands FILE: prints the commands of the Quick start bash block, one per line.
readme_commands() {
  awk '
    /^## Quick start/ { section = 1; next }
    /^## / { section = 0 }
    section && /^```bash/ { block = 1; next }
    section && block && /^```/ { exit }
    section && block {
      sub(/[[:space:]]+#.*$/, "")
      if ($0 !~ /^[[:space:]]*(#|$)/) print
    }' "$1"
}

# run_main LOG ARGV...: runs ARGV (the README main command, wrapped in its environment),
# waits for a line starting "atmo devnet ready" (at most 15 minutes: the first run builds),
# sends Ctrl-C (SIGINT to its process group) and requires a clean stop within 60 s: exit 0,
# or npm's 130 for an interrupted script when the devnet itself reported "devnet stopped
# cleanly". Runs with the host's tools; only ARGV sees the reduced environment.
run_main() {
  local log="$1" pid status waited=0 deadline=$((SECONDS + 900))
  shift
  setsid "$@" >"$log" 2>&1 &
  pid=$!
  until grep -q '^atmo devnet ready' "$log" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid"
      echo "✘ main command exited ($?) before it was ready" >&2
      return 1
    fi
    if ((SECONDS > deadline)); then
      echo "✘ main command not ready after 15 minutes" >&2
      kill -KILL -- "-$pid" 2>/dev/null || true
      return 1
    fi
    sleep 1
  done
  echo "› main command is up; sending Ctrl-C" >&2
  kill -INT -- "-$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && ((waited < 60)); do sleep 1; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    echo "✘ main command did not stop within 60 s of Ctrl-C" >&2
    kill -KILL -- "-$pid" 2>/dev/null || true
    return 1
  fi
  wait "$pid" && status=0 || status=$?
  if ((status == 130)) && grep -q 'devnet stopped cleanly' "$log"; then status=0; fi
  if ((status != 0)); then echo "✘ main command exited $status after Ctrl-C" >&2; fi
  return "$status"
}
