import json, glob, re, sys
M = {'s':'services','o':'other','x':'spam','i':'investment','r':'recruitment','t':'talent'}
docs = []
for f in sorted(glob.glob('/work/wt-ao/gen/part*.txt')):
    raw = open(f, encoding='utf-8').read()
    for block in raw.split('\n=====\n'):
        block = block.strip('\n')
        if not block: continue
        lines = block.split('\n')
        head = lines[0]; assert head.startswith('#'), head
        n = head[1:].strip()
        paras, sums = [], []
        for ln in lines[1:]:
            if not ln.strip(): continue
            code, _, text = ln.partition('|')
            if code == 'S': sums.append(text); continue
            assert code in M, (n, ln)
            paras.append((M[code], text.strip()))
        docs.append((n, paras, sums))
out = open('/work/wt-ao/training/data/authored/batch-ao.jsonl','w',encoding='utf-8')
sout = open('/work/wt-ao/summaries-ao.jsonl','w',encoding='utf-8')
bad = 0
for n, paras, sums in docs:
    doc = f'auth-ao-{int(n):02d}'
    for lab, t in paras:
        out.write(json.dumps({'text':t,'label':lab,'doc':doc,'source':'authored'}, ensure_ascii=False)+'\n')
    content = [t for lab,t in paras if lab!='spam']
    for s in sums:
        if not any(s in c for c in content): print('BAD SUMMARY', doc, s); bad += 1
    if not (2 <= len(sums) <= 3): print('SUMCOUNT', doc, len(sums))
    sout.write(json.dumps({'doc':doc,'sentences':sums}, ensure_ascii=False)+'\n')
print(len(docs), 'docs', 'bad', bad)
