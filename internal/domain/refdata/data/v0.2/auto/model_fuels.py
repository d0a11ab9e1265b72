#!/usr/bin/env python3
"""Derive v0.2/auto/model_fuels.csv from the EPA fueleconomy.gov vehicles.csv.

Usage: model_fuels.py vehicles.csv makes_models.csv > model_fuels.csv
Every EPA record of MY1995-2025 whose make is in makes_models.csv is folded
to a nameplate of that make (the longest nameplate its cleaned model string
starts with, letters and digits only, after the trim folds below) and kept
only if its year lies in a run of that nameplate. Fuel from atvType/fuelType1.
"""
import csv, re, sys, collections

vehicles, makes = sys.argv[1], sys.argv[2]
runs = collections.defaultdict(list)  # (make, model) -> [(first, last)]
for r in csv.DictReader(open(makes, encoding='utf-8')):
    runs[(r['make'], r['model'])].append((int(r['first_model_year']), int(r['last_model_year'])))
plates = collections.defaultdict(list)
for mk, mo in runs:
    plates[mk].append(mo)

makename = {mk.lower(): mk for mk in plates}  # EPA writes MINI


def key(s):
    return re.sub(r'[^a-z0-9]', '', s.lower())

def fold(mk, m):
    m = m.strip()
    if mk == 'BMW':
        m = re.sub(r'^ActiveHybrid\s*', '', m)
        g = re.match(r'^M?(\d)\d\d', m) or re.match(r'^M(\d)\b', m)
        if g:
            return g.group(1) + ' Series'
    if mk == 'Mercedes-Benz':
        m = re.sub(r'^(AMG|Mercedes-AMG|Maybach)\s+', '', m)
        g = re.match(r'^([A-Z]{1,3})\s*\d', m)
        if g and g.group(1) not in ('A',):
            return {'ML': 'M'}.get(g.group(1), g.group(1)) + '-Class'
    if mk == 'Mazda':
        if re.match(r'^MX-5', m):
            return 'MX-5 Miata'
        if re.match(r'^B\d{4}', m):
            return 'B-Series'
        m = re.sub(r'^(\d)\b', r'Mazda\1', m)
        m = re.sub(r'^626\b', 'Mazda6', m)
    if mk == 'Volkswagen':
        m = re.sub(r'^New Beetle', 'Beetle', m)
    if mk == 'Saturn':
        if re.match(r'^S[CLW]\d?\b', m):
            return 'S-Series'
        if re.match(r'^LW?\d', m):
            return 'L-Series'
    if mk == 'Ford' and re.match(r'^E\d50', m):
        return 'E-Series'
    if mk == 'Chevrolet':
        m = re.sub(r'^(Van|Chevy Van) ', 'Express ', m)
        m = re.sub(r'^Pickup [23]500', 'C2500', m)
    if mk == 'Porsche':
        m = re.sub(r'^718 ', '', m)
    if mk == 'Subaru':
        m = re.sub(r'^XV ', '', m)
        m = re.sub(r'^Legacy (Outback)', r'\1', m)
    if mk == 'Toyota':
        m = re.sub(r'^GR ', '', m)
    if mk == 'Mini':
        for n in ('Clubman', 'Countryman', 'Paceman'):
            if n in m:
                return n
        m = re.sub(r'^(John Cooper Works|Cooper S|Cooper SE|Cooper)\b.*', 'Cooper', m)
    if mk == 'Acura':
        m = re.sub(r'^\d\.\d', '', m)
    if mk == 'Audi':
        m = re.sub(r'^RS\s*(\d)', r'A\1', m)
        m = re.sub(r'^S(\d)', r'A\1', m)
        m = re.sub(r'^(RS |S)Q(\d)', r'Q\2', m)
        m = re.sub(r'^RS e-tron GT', 'e-tron GT', m)
        m = re.sub(r'^TTS', 'TT', m)
    if mk == 'Porsche' and re.match(r'^(Carrera|Targa|Turbo|GT[23])', m):
        return '911'
    if mk == 'Dodge':
        m = re.sub(r'^Grand Caravan', 'Caravan', m)
    if mk == 'Toyota':
        m = re.sub(r'^GR ?86', '86', m)
    if mk == 'Chrysler':
        m = re.sub(r'^300[CM]', '300', m)
        m = re.sub(r'^Town and Country', 'Town & Country', m)
    if mk in ('Chevrolet', 'GMC'):
        if re.match(r'^[CK]1500', m):
            return 'C/K 1500'
        if re.match(r'^[CK][23]500', m):
            return 'C/K 2500/3500'
    return m

def fuel(r):
    a, f = r['atvType'], r['fuelType1']
    if a == 'EV':
        return 'electric'
    if a == 'Plug-in Hybrid':
        return 'plug_in_hybrid'
    if a == 'Hybrid':
        return 'hybrid'
    if a == 'Diesel' or f == 'Diesel':
        return 'diesel'
    if 'Gasoline' in f:
        return 'gasoline'
    return None  # CNG-only, hydrogen

years = collections.defaultdict(set)  # (make, model, fuel) -> years
unmatched = collections.Counter()
fcv = set()  # (make, model key) of hydrogen fuel-cell records
for r in csv.DictReader(open(vehicles, encoding='latin-1')):
    y, mk = int(r['year']), makename.get(r['make'].lower(), r['make'])
    if not 1995 <= y <= 2025 or mk not in plates:
        continue
    fu = fuel(r)
    if fu is None:
        if r['atvType'] == 'FCV':
            fcv.add((mk, key(r['model'])))
        continue
    k = key(fold(mk, r['model']))
    best = None
    for p in plates[mk]:
        pk = key(p)
        if k.startswith(pk) and (best is None or len(pk) > len(key(best))):
            best = p
    if best is None or not any(a <= y <= b for a, b in runs[(mk, best)]):
        unmatched[(mk, r['model'])] += 1
        continue
    years[(mk, best, fu)].add(y)

# Fallback: a run-year no EPA record covers (vPIC-only heavy vans and
# pickups, nameplates whose EPA names do not fold) is gasoline, a Tesla electric.
fallback = collections.Counter()
for (mk, mo), rs in runs.items():
    if any(m2 == mk and k2.startswith(key(mo)) for m2, k2 in fcv):
        continue  # fuel-cell only (Mirai, Nexo): no fuel of the contract's list
    for a, b in rs:
        for y in range(a, b + 1):
            if not any(y in years.get((mk, mo, f), ()) for f in ('gasoline', 'diesel', 'hybrid', 'plug_in_hybrid', 'electric')):
                f = 'electric' if mk == 'Tesla' else 'gasoline'
                years[(mk, mo, f)].add(y)
                fallback[(mk, mo)] += 1

out = csv.writer(sys.stdout, lineterminator='\n')
out.writerow(['make', 'model', 'fuel_type', 'first_model_year', 'last_model_year'])
order = {f: i for i, f in enumerate(['gasoline', 'diesel', 'hybrid', 'plug_in_hybrid', 'electric'])}
rows = []
for (mk, mo, fu), ys in years.items():
    ys = sorted(ys)
    start = prev = ys[0]
    for y in ys[1:] + [None]:
        if y is not None and y == prev + 1:
            prev = y
            continue
        rows.append((mk, mo, fu, start, prev))
        if y is not None:
            start = prev = y
rows.sort(key=lambda r: (r[0].lower(), r[1].lower(), r[1], order[r[2]], r[3]))
for r in rows:
    out.writerow(r)
print('rows', len(rows), 'fallback run-years', sum(fallback.values()), 'in', len(fallback), 'nameplates', file=sys.stderr)
for k, v in sorted(fallback.items()):
    print('fallback', k, v, file=sys.stderr)
print('unmatched records', sum(unmatched.values()), file=sys.stderr)
for k, v in unmatched.most_common(25):
    print('unmatched', k, v, file=sys.stderr)
