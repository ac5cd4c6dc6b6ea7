#!/usr/bin/env bash
# Measures `vggstream import` on a full-size VGG-16 or VGG-19 (torchvision's pattern, random weights,
# 528 or 548 MiB) with a bounded heap, against `cat FILE > /dev/null` on the same file. The files live in
# a temporary folder (TMPDIR, default /tmp) and are deleted at the end. docs/importing.md has the figures.
#
#   benchmarks/scripts/import-large.sh [HEAP] [D|E]   HEAP: the import's -Xmx (default 400m); D: VGG-16 (default), E: VGG-19
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HEAP="${1:-400m}"
CONFIG="${2:-D}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/vgg-import.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"
[[ -d onnx/target/classes ]] || ./mvnw -B -ntp -q -pl onnx -am -DskipTests package

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(free -g | awk '/Mem:/{print $2 " GB RAM, " $7 " GB available"}')"
java -cp onnx/target/classes benchmarks/scripts/WriteRandomVgg.java "$WORK/vgg.onnx" "$CONFIG"
ls -l "$WORK/vgg.onnx"

# warm the page cache once, then time a plain read of the file
cat "$WORK/vgg.onnx" > /dev/null
for i in 1 2 3; do
  /usr/bin/env time -f "cat > /dev/null: %e s wall, %U s user, %S s sys" cat "$WORK/vgg.onnx" > /dev/null
done
# the floors of what the import also does: read, hash, and write a file of the same size
/usr/bin/env time -f "sha256sum: %e s wall, %U s user, %S s sys" sha256sum "$WORK/vgg.onnx"
/usr/bin/env time -f "cp: %e s wall, %U s user, %S s sys" cp "$WORK/vgg.onnx" "$WORK/copy.onnx"
rm -f "$WORK/copy.onnx"
# make sure the launcher's jars are current, so the timed runs do not include a build
./vggstream import --help > /dev/null

# the import, twice, heap capped, GC logged (peak heap = the largest 'before' figure of a collection)
for i in 1 2 3; do
  rm -rf "$WORK/out"
  VGGSTREAM_JAVA_OPTS="-Xmx$HEAP -Xlog:gc:file=$WORK/gc-$i.log" /usr/bin/env time -f "import: %e s wall, %U s user, %S s sys, max RSS %M KB (mapped file pages included)" \
    ./vggstream import "$WORK/vgg.onnx" --out "$WORK/out" --name "vgg-$CONFIG-random"
  echo "GC events: $(grep -c Pause "$WORK/gc-$i.log" || true); largest heap before a collection and after:" \
    "$(grep -o '[0-9]*M->[0-9]*M' "$WORK/gc-$i.log" | sort -t'M' -k1 -n | tail -1 || echo 'no collection')"
done
ls -l "$WORK/out"
