#!/usr/bin/env python3
"""Derive v0.2/auto/plugin_sales.csv: US calendar-year sales of plug-in
(battery-electric and plug-in hybrid) models, by make, model, fuel and year.

    python3 plugin_sales.py CarSales.csv us-plug-in-ev-sales.csv data-US.js model_fuels.csv

Sources (SOURCES.md, file 11): the DOE/Argonne monthly sales by model
(2010-2018), the same series compiled for 2019, and the Open EV Charts
quarterly BEV sales by model (2020-2025). Names are mapped to the
nameplates of makes_models.csv; a row is kept only when model_fuels.csv
offers its fuel that year or within one year (sales start before and run
after a model year).
"""
import collections
import csv
import re
import sys

EV, PHEV = "electric", "plug_in_hybrid"

# DOE/Argonne names (CAR MAKE AND MODEL) -> make, model, fuel. BMW i3 is
# published as one figure for the BEV and the range-extender: counted as
# electric. Left out: Smart ED (make not in the table), BMW i8 and Porsche
# 918 (excluded exotics), VW e-Golf (EPA names it apart from the Golf, so
# no Golf run is electric), OTHER.
DOE = {
    "AUDI A3 SPORTBACK E-TRON": ("Audi", "A3", PHEV),
    "BMW 330E": ("BMW", "3 Series", PHEV),
    "BMW 530E": ("BMW", "5 Series", PHEV),
    "BMW 740E": ("BMW", "7 Series", PHEV),
    "BMW I3 (BEV + REX)": ("BMW", "i3", EV),
    "BMW X5 XDRIVE 40E": ("BMW", "X5", PHEV),
    "CADILLAC CT6 PHEV": ("Cadillac", "CT6", PHEV),
    "CADILLAC ELR": ("Cadillac", "ELR", PHEV),
    "CHEVROLET BOLT EV": ("Chevrolet", "Bolt", EV),
    "CHEVROLET SPARK EV": ("Chevrolet", "Spark", EV),
    "CHEVROLET VOLT": ("Chevrolet", "Volt", PHEV),
    "CHRYSLER PACIFICA HYBRID": ("Chrysler", "Pacifica", PHEV),
    "FIAT 500E": ("Fiat", "500e", EV),
    "FORD C-MAX ENERGI": ("Ford", "C-Max", PHEV),
    "FORD FOCUS ELECTRIC": ("Ford", "Focus", EV),
    "FORD FUSION ENERGI": ("Ford", "Fusion", PHEV),
    "HONDA ACCORD PHV": ("Honda", "Accord", PHEV),
    "HONDA CLARITY BEV": ("Honda", "Clarity", EV),
    "HONDA CLARITY PHEV": ("Honda", "Clarity", PHEV),
    "HONDA FIT EV": ("Honda", "Fit", EV),
    "HYUNDAI IONIQ EV": ("Hyundai", "Ioniq", EV),
    "HYUNDAI IONIQ PHEV": ("Hyundai", "Ioniq", PHEV),
    "HYUNDAI KONA ELECTRIC": ("Hyundai", "Kona", EV),
    "HYUNDAI SONATA PHEV": ("Hyundai", "Sonata", PHEV),
    "HYUNDAI SONATA PHV": ("Hyundai", "Sonata", PHEV),
    "JAGUAR I-PACE": ("Jaguar", "I-Pace", EV),
    "KIA NIRO PHEV": ("Kia", "Niro", PHEV),
    "KIA OPTIMA PHEV": ("Kia", "Optima", PHEV),
    "KIA SOUL EV": ("Kia", "Soul", EV),
    "MERCEDES B-CLASS ED": ("Mercedes-Benz", "B-Class", EV),
    "MERCEDES B250E": ("Mercedes-Benz", "B-Class", EV),
    "MERCEDES C350E": ("Mercedes-Benz", "C-Class", PHEV),
    "MERCEDES GLC 350E": ("Mercedes-Benz", "GLC-Class", PHEV),
    "MERCEDES GLE 550E": ("Mercedes-Benz", "GLE-Class", PHEV),
    "MERCEDES S550 PHV": ("Mercedes-Benz", "S-Class", PHEV),
    "MERCEDES S550E": ("Mercedes-Benz", "S-Class", PHEV),
    "MINI COUNTRYMAN SE PHEV": ("Mini", "Countryman", PHEV),
    "MITSUBISHI I-MIEV": ("Mitsubishi", "i-MiEV", EV),
    "MITSUBISHI OUTLANDER PHEV": ("Mitsubishi", "Outlander", PHEV),
    "NISSAN LEAF": ("Nissan", "Leaf", EV),
    "PORSCHE CAYENNE S-E": ("Porsche", "Cayenne", PHEV),
    "PORSCHE PANAMERA E-HYBRID": ("Porsche", "Panamera", PHEV),
    "PORSCHE PANAMERA S-E": ("Porsche", "Panamera", PHEV),
    "TESLA MODEL 3": ("Tesla", "Model 3", EV),
    "TESLA MODEL S": ("Tesla", "Model S", EV),
    "TESLA MODEL X": ("Tesla", "Model X", EV),
    "TOYOTA PRIUS PRIME": ("Toyota", "Prius", PHEV),
    "TOYOTA RAV4 EV": ("Toyota", "RAV4", EV),
    "VOLVO S90 T8 PHEV": ("Volvo", "S90", PHEV),
    "VOLVO XC60 PHEV": ("Volvo", "XC60", PHEV),
    "VOLVO XC90": ("Volvo", "XC90", PHEV),
    "VOLVO XC90 T8 PHEV": ("Volvo", "XC90", PHEV),
}

# 2019 compilation names (Vehicle) -> make, model, fuel. Its Audi A3 e-tron
# and Mercedes B250e carry the wrong type there (BEV, PHEV); the fuel here
# is the one model_fuels.csv gives. "Subaru Crosstrek Hybrid" is the
# Crosstrek plug-in hybrid (the only Crosstrek hybrid of 2019).
COMPILED = {
    "Audi A3 e-tron": ("Audi", "A3", PHEV),
    "BMW 330e": ("BMW", "3 Series", PHEV),
    "BMW 530e": ("BMW", "5 Series", PHEV),
    "BMW 740e": ("BMW", "7 Series", PHEV),
    "BMW i3": ("BMW", "i3", EV),
    "BMW X5 xDrive 40e": ("BMW", "X5", PHEV),
    "Cadillac CT6 PHEV": ("Cadillac", "CT6", PHEV),
    "Chevrolet Bolt": ("Chevrolet", "Bolt", EV),
    "Chevrolet Volt": ("Chevrolet", "Volt", PHEV),
    "Chrysler Pacifica Hybrid": ("Chrysler", "Pacifica", PHEV),
    "Fiat 500e": ("Fiat", "500e", EV),
    "Ford Fusion Energi": ("Ford", "Fusion", PHEV),
    "Honda Clarity BEV": ("Honda", "Clarity", EV),
    "Honda Clarity PHEV": ("Honda", "Clarity", PHEV),
    "Hyundai IONIQ EV": ("Hyundai", "Ioniq", EV),
    "Hyundai IONIQ PHEV": ("Hyundai", "Ioniq", PHEV),
    "Hyundai Kona Electric": ("Hyundai", "Kona", EV),
    "Hyundai Sonata Plug in": ("Hyundai", "Sonata", PHEV),
    "Jaguar I-Pace": ("Jaguar", "I-Pace", EV),
    "Kia Niro EV": ("Kia", "Niro", EV),
    "Kia Niro PHEV": ("Kia", "Niro", PHEV),
    "Kia Optima PHEV": ("Kia", "Optima", PHEV),
    "Kia Soul EV": ("Kia", "Soul", EV),
    "Mercedes B250e": ("Mercedes-Benz", "B-Class", EV),
    "Mercedes C350e": ("Mercedes-Benz", "C-Class", PHEV),
    "Mercedes GLC 350e": ("Mercedes-Benz", "GLC-Class", PHEV),
    "Mercedes GLE 550e": ("Mercedes-Benz", "GLE-Class", PHEV),
    "Mercedes S550 Plug": ("Mercedes-Benz", "S-Class", PHEV),
    "Mini Countryman SE": ("Mini", "Countryman", PHEV),
    "Mitsubishi Outlander Plug In": ("Mitsubishi", "Outlander", PHEV),
    "Nissan Leaf": ("Nissan", "Leaf", EV),
    "Porsche Cayenne S E-Hybrid": ("Porsche", "Cayenne", PHEV),
    "Porsche Panamera S E-Hybrid": ("Porsche", "Panamera", PHEV),
    "Subaru Crosstrek Hybrid": ("Subaru", "Crosstrek", PHEV),
    "Tesla Model 3": ("Tesla", "Model 3", EV),
    "Tesla Model S": ("Tesla", "Model S", EV),
    "Tesla Model X": ("Tesla", "Model X", EV),
    "Toyota Prius PHEV": ("Toyota", "Prius", PHEV),
    "Volvo S90 T8 PHEV": ("Volvo", "S90", PHEV),
    "Volvo XC60 PHEV": ("Volvo", "XC60", PHEV),
    "Volvo XC90 PHEV": ("Volvo", "XC90", PHEV),
}

# Open EV Charts keys (Make|Model) -> make, model (all battery-electric).
# "Q8 e-tron" is the e-tron renamed for MY2024: before 2024 it is the
# table's e-tron. Left out: aggregates (other, Volvo|other), models of
# makes not in the table (Polestar) and models no electric run of the
# table holds (A6 e-tron, Mercedes EQ*, E-Transit, eSprinter, Ioniq 9).
OEC = {
    "Audi|Q4 e-tron": ("Audi", "Q4"), "Audi|Q6 e-tron": ("Audi", "Q6"),
    "Audi|Q8 e-tron": ("Audi", "Q8"), "Audi|e-tron GT": ("Audi", "e-tron GT"),
    "BMW|i4": ("BMW", "i4"), "BMW|i5": ("BMW", "i5"), "BMW|i7": ("BMW", "i7"), "BMW|iX": ("BMW", "iX"),
    "Chevrolet|Blazer EV": ("Chevrolet", "Blazer"), "Chevrolet|Bolt": ("Chevrolet", "Bolt"),
    "Chevrolet|Bolt/Bolt EUV": ("Chevrolet", "Bolt"), "Chevrolet|Equinox EV": ("Chevrolet", "Equinox"),
    "Chevrolet|Silverado EV": ("Chevrolet", "Silverado"), "Fiat|500e": ("Fiat", "500e"),
    "Ford|F-150 Lightning": ("Ford", "F-150"), "Ford|Mustang Mach-E": ("Ford", "Mustang Mach-E"),
    "Honda|Prologue": ("Honda", "Prologue"), "Hyundai|Ioniq 5": ("Hyundai", "Ioniq 5"),
    "Hyundai|Ioniq 6": ("Hyundai", "Ioniq 6"), "Hyundai|Kona Electric": ("Hyundai", "Kona"),
    "Jaguar|I-Pace": ("Jaguar", "I-Pace"), "Jeep|Wagoneer S": ("Jeep", "Wagoneer"),
    "Kia|EV6": ("Kia", "EV6"), "Kia|EV9": ("Kia", "EV9"), "Kia|Niro EV": ("Kia", "Niro"),
    "Mercedes-Benz|G-Class EV": ("Mercedes-Benz", "G-Class"), "Mini|Cooper SE": ("Mini", "Cooper"),
    "Mini|Countryman Electric": ("Mini", "Countryman"), "Nissan|Ariya": ("Nissan", "Ariya"),
    "Nissan|Leaf": ("Nissan", "Leaf"), "Porsche|Macan Electric": ("Porsche", "Macan"),
    "Porsche|Taycan": ("Porsche", "Taycan"), "Subaru|Solterra": ("Subaru", "Solterra"),
    "Tesla|Cybertruck": ("Tesla", "Cybertruck"), "Tesla|Model 3": ("Tesla", "Model 3"),
    "Tesla|Model S": ("Tesla", "Model S"), "Tesla|Model X": ("Tesla", "Model X"),
    "Tesla|Model Y": ("Tesla", "Model Y"), "Toyota|bZ4X": ("Toyota", "bZ4X"),
    "Volkswagen|ID. Buzz": ("Volkswagen", "ID. Buzz"), "Volkswagen|ID.4": ("Volkswagen", "ID.4"),
    "Volvo|EC40": ("Volvo", "EC40"), "Volvo|EX30": ("Volvo", "EX30"),
    "Volvo|EX40": ("Volvo", "EX40"), "Volvo|EX90": ("Volvo", "EX90"),
}

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def main(doe_path, compiled_path, oec_path, fuels_path):
    units = collections.defaultdict(int)  # (make, model, fuel, year, source) -> units
    with open(doe_path, encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            y = int(r["Year"])
            if y <= 2018 and r["CAR MAKE AND MODEL"] in DOE:
                units[DOE[r["CAR MAKE AND MODEL"]] + (y, "doe_anl_evsales")] += int(r["Sales"] or 0)
    with open(compiled_path, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["Year"] == "2019" and r["Vehicle"] in COMPILED:
                units[COMPILED[r["Vehicle"]] + (2019, "evsales_2019")] += sum(int(r[m]) for m in MONTHS)
    js = open(oec_path, encoding="utf-8").read()
    for y, _, body in re.findall(
            r'db\.insert\(db\.countries\.US, "(\d{4})-Q(\d)", db\.dsTypes\.ElectricCarsByModel, "[^"]*",\s*\{([^}]*)\}', js):
        y = int(y)
        if not 2020 <= y <= 2025:
            continue
        for key, v in re.findall(r'"([^"]+)":\s*(\d+)', body):
            if key in OEC:
                make, model = OEC[key]
                if key == "Audi|Q8 e-tron" and y < 2024:
                    model = "e-tron"
                units[(make, model, EV, y, "oec_cleantechnica_q")] += int(v)

    offered = collections.defaultdict(list)  # (make, model, fuel) -> [(first, last)]
    with open(fuels_path, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            offered[(r["make"], r["model"], r["fuel_type"])].append((int(r["first_model_year"]), int(r["last_model_year"])))
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["make", "model", "fuel_type", "year", "units", "source"])
    for (make, model, fuel, y, src), n in sorted(units.items(), key=lambda kv: (kv[0][0].lower(), kv[0][1].lower(), kv[0][2], kv[0][3])):
        if n <= 0:
            continue
        if not any(a - 1 <= y <= b + 1 for a, b in offered[(make, model, fuel)]):
            print(f"dropped: {make} {model} {fuel} {y} {n} (fuel not offered within a year)", file=sys.stderr)
            continue
        w.writerow([make, model, fuel, y, n, src])


if __name__ == "__main__":
    main(*sys.argv[1:5])
