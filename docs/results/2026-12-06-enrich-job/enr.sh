#!/bin/bash
# usage: enr.sh NAME DIR [N]: the enrich job (`run --enrich`, the launcher's jars in DIR: vggstream-cli.jar and lib/)
# saturated on a backlog of N base64 events preloaded with kcat, broker in its own JVM (`vggstream kafka start`, its
# address in ./bootstrap). Events first: java Gen.java 60000 events.jsonl. Optional: EXTRA (a config line), JOPTS (JVM).
here=$(cd "$(dirname "$0")" && pwd)
name=$1; dir=$2; n=${3:-60000}
J="java $JOPTS -cp $dir/vggstream-cli.jar:$dir/lib/* io.vggstream.cli.Main"
B=$(cat $here/bootstrap)
out=$here/run-$name-$(date +%H%M%S); mkdir -p $out
tag=$name$(date +%H%M%S)
java -cp "$dir/lib/*" $here/Topics.java $B 4 ev-$tag en-$tag
head -$n $here/events.jsonl | kcat -P -b $B -t ev-$tag
cat > $out/enrich.conf <<EOC
$EXTRA
vggstream.engine.enrich { input-topic = "ev-$tag", output-topic = "en-$tag", group-id = "g-$tag" }
EOC
MALLOC_ARENA_MAX=2 $J run --enrich -m ~/.vggstream/models/fmnist-a -b $B --ops-port 0 -p multi-scale --config $out/enrich.conf > $out/engine.log 2>&1 &
ep=$!
t0=$(date +%s)
while true; do
  got=$(for p in 0 1 2 3; do timeout 5 kcat -C -b $B -t en-$tag -p $p -o -1 -c 1 -e -q -f '%o\n' 2>/dev/null; done | awk '{s+=$1+1} END {print s+0}')
  echo "$(date +%s.%N) $got $(awk '{print $14+$15}' /proc/$ep/stat) $(cat /proc/$ep/task/*/status | awk '/^voluntary_ctxt|^nonvoluntary_ctxt/ {s+=$2} END {print s}')" >> $out/polls
  [ "$got" -ge "$n" ] && break
  [ $(( $(date +%s) - t0 )) -gt 600 ] && { echo "timeout at $got"; break; }
  sleep 2
done
cpu=$(awk '{print $14+$15}' /proc/$ep/stat)
cs=$(cat /proc/$ep/task/*/status | awk '/ctxt_switches/ {s+=$2} END {print s}')
top -H -b -n1 -p $ep | head -30 > $out/threads
kill $ep; wait $ep
kcat -C -b $B -t en-$tag -o beginning -e -q -f '%T\n' | sort -n > $out/ts
echo "context switches of the engine's threads (alive at the end): $cs = $((cs / n)) an event"
python3 - $out/ts $n $cpu <<'EOP'
import sys
ts=[int(l) for l in open(sys.argv[1])]; n=int(sys.argv[2]); cpu=int(sys.argv[3])
a,b=ts[n//6],ts[n*5//6]
p=[l.split() for l in open(sys.argv[1].replace('/ts','/polls'))]
p=[(float(t),int(g),int(c),int(x)) for t,g,c,x in p]
mid=[q for q in p if n//6 <= q[1] <= n*5//6]
if len(mid)>=2:
    a1,b1=mid[0],mid[-1]; ev=b1[1]-a1[1]
    print(f"window {ev} events: engine CPU {(b1[2]-a1[2])*10/ev:.3f} ms an event, its threads' context switches {(b1[3]-a1[3])/ev:.2f} an event")
print(f"events {len(ts)}; middle two thirds {n*4//6} in {(b-a)/1000:.2f} s = {n*4//6*1000/(b-a):.0f} events/s; engine CPU {cpu/100:.1f} s for all = {cpu*10/len(ts):.3f} ms/event")
EOP
