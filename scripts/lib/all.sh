# Source every library of the scripts, in order.
_lib="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=/dev/null
for _f in common python postgres redis opensearch instance app; do source "$_lib/$_f.sh"; done
unset _f _lib
