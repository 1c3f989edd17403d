import json, re, glob, importlib.util, sys, os
import opencc
FIX = [('臺','台'),('爲','為'),('裏','裡'),('着','著'),('汙','污'),('户','戶'),('説','說'),('發佈','發布'),('公佈','公布'),('週期','周期'),('併為','並為'),('沖壓','衝壓'),('籤約','簽約'),('纔','才'),('羣','群'),('綫','線'),('衆','眾'),('峯','峰'),('牀','床'),('樸成浩','朴成浩'),('瞭解','了解')]
LAB = dict(R='recruitment', I='investment', T='talent', S='services', X='spam', O='other')
def conv(text, mode):
    if not mode: return text
    t = opencc.OpenCC(mode + ('.json' if not mode.endswith('.json') else '')).convert(text)
    for a, b in FIX: t = t.replace(a, b)
    if mode == 's2hk': t = t.replace('“', '「').replace('”', '」').replace('‘', '『').replace('’', '』')
    return t
arts = []
for f in sorted(glob.glob(os.path.join(os.path.dirname(__file__), 'part*.py'))):
    spec = importlib.util.spec_from_file_location(f, f); m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
    arts += m.ARTS
out, sums = [], []
for i, a in enumerate(arts, 1):
    doc = 'auth-ak-%02d' % i
    mode = a.get('conv')
    lines = [(LAB[l], conv(t, mode)) for l, t in a['lines']]
    for lab, t in lines:
        assert t.strip() and '\n' not in t
        out.append(json.dumps({"text": t, "label": lab, "doc": doc, "source": "authored"}, ensure_ascii=False))
    ss = [conv(s, mode) for s in a['sums']]
    content = [t for lab, t in lines if lab != 'spam']
    for s in ss:
        if not any(s in t for t in content):
            print('BAD SUM', doc, s, file=sys.stderr)
    sums.append(json.dumps({"doc": doc, "sentences": ss}, ensure_ascii=False))
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
open(os.path.join(root, 'training/data/authored/batch-ak.jsonl'), 'w').write('\n'.join(out) + '\n')
open(os.path.join(root, 'summaries-ak.jsonl'), 'w').write('\n'.join(sums) + '\n')
print(len(arts), 'articles', len(out), 'lines')
