import yaml, sys
sys.path.insert(0, '.')
from clinic.red_flags import classify
d=yaml.safe_load(open('tests/heldout/red_flags.yml'))
for group, want in [('medical_emergency','medical'),('crisis','crisis'),('not_emergency',None)]:
    bad=[(classify(t),t) for t in d[group] if (classify(t) is None) != (want is None) or (want=='crisis' and classify(t)!='crisis')]
    print(group, len(d[group]), 'bad', len(bad))
    for b in bad: print('   ', b)
