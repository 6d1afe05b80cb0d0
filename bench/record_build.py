"""Record the background MedQuAD build (bench/work/medquad-build.json + /usr/bin/time -v stderr) for bench/run.py."""
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.retrieval import FULL_INDEX, MEDQUAD
from bench.run import corpus_fingerprint

W = Path(__file__).resolve().parent / "work"
rep = json.loads((W / "medquad-build.json").read_text().strip().splitlines()[-1])
err = (W / "medquad-build.err").read_text()
m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", err)
parts = [float(x) for x in m.group(1).split(":")]
wall = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)) / 1024
rep.update(wall_s=round(wall, 1), build_peak_rss_mb=round(rss), corpus_hash=corpus_fingerprint(MEDQUAD), index=str(FULL_INDEX),
           measured_at=time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime((W / "medquad-build.json").stat().st_mtime)),
           load_during="5-8 (shared machine: other engineers' tests and this bench's other jobs ran in parallel)",
           command="bot index --corpus ../shared/data/medquad/corpus.jsonl --index bench/work/medquad-index --json")
(W / "full-builds" / "medquad.json").write_text(json.dumps(rep, indent=1))
print(rep)
