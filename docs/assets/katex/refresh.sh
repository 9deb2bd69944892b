#!/usr/bin/env bash
# Refresh KaTeX's stylesheet and fonts from the npm package, at the version PyKaTeX renders with.
#
#     bash docs/assets/katex/refresh.sh            # the version in VERSION
#     bash docs/assets/katex/refresh.sh 0.16.23    # another one (then pin pykatex to match)
#
# Needs npm (maintainers only: the build and the reader need neither npm nor Node.js). Keeps the
# woff2 fonts only, which every browser the site supports reads, and drops the woff/ttf
# fallbacks from the stylesheet so that it names no file that is not here, and gives
# each font font-display: optional.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="${1:-$(cat "$here/VERSION")}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "katex@$version" --silent >/dev/null && tar -xzf "katex-$version.tgz")
rm -rf "$here/fonts" && mkdir -p "$here/fonts"
cp "$work"/package/dist/fonts/*.woff2 "$here/fonts/"
cp "$work/package/LICENSE" "$here/LICENSE"
python3 - "$work/package/dist/katex.min.css" "$here/katex.min.css" <<'PY'
import re, sys
css = open(sys.argv[1], encoding="utf-8").read()
css = re.sub(r',url\(fonts/[^)]+\.(woff|ttf)\) format\("(woff|truetype)"\)', "", css)
# A font not there by the first paint is not waited for (Chromium otherwise holds the
# whole page's first paint, up to 1.5 s) nor swapped in later (which moves the text).
css = css.replace("@font-face{", "@font-face{font-display:optional;")
open(sys.argv[2], "w", encoding="utf-8").write(css)
PY
echo "$version" > "$here/VERSION"
echo "KaTeX $version: $(ls "$here/fonts" | wc -l) fonts, $(wc -c < "$here/katex.min.css") bytes of CSS"
