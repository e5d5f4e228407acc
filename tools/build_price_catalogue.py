#!/usr/bin/env python3
"""Builds Crescendo's price catalogue (data/prices/catalogue.csv) from the public price data in
../shared/prices (read each folder's SOURCE.txt for the origin, licence and date).

One row per provider, region and instance type of the x86 general-purpose, compute- and
memory-optimized families a Kubernetes cluster usually runs on (ARM types are left out: they
need multi-architecture images), the default region of each provider first:
  provider,region,instance_type,vcpu,memory_gib,ondemand_usd_per_hour,spot_usd_per_hour,
  spot_discount_pct,interruption_band
Sources and choices:
  aws   us-east-1: on-demand from Karpenter's generated price table (2026-07-20); vCPU, memory,
        spot savings and interruption band from the AWS Spot Instance Advisor feed (about
        2025-06-28); spot price = on-demand x (1 - savings), an estimate from the two dates.
  gcp   us-central1, europe-west1: on-demand and spot per machine type from Cyclenerd's
        pricing.yml (2026-07-30); GCP publishes no preemption rates: band "unknown".
  azure eastus, westeurope: on-demand from Karpenter for Azure's table (2026-06-18); vCPU from
        the size name, memory per vCPU by family (Dsv5 4 GiB, Esv5 8 GiB, Fsv2 2 GiB, as
        Azure's size pages give); no Azure spot prices are published in the sources, so the
        spot discount is OpenCost's Azure default (spotCPU/CPU = 0.007764/0.039, April 2019):
        80%, band "unknown".
The file begins with `# source:` lines naming each source and its date, which
`crescendo optimize cost` prints. Run from the repository root:
  tools/build_price_catalogue.py [--prices ../shared/prices] [--out data/prices/catalogue.csv]
"""
import argparse
import csv
import json
import os
import re
import sys

AWS_FAMILIES = re.compile(r"^(c5|m5|r5|c6i|m6i|r6i|c7i|m7i|r7i)\.(large|xlarge|"
                          r"2xlarge|4xlarge|8xlarge|12xlarge|16xlarge|24xlarge)$")
GCP_FAMILIES = re.compile(r"^(e2|n2|n2d|c3|t2d)-(standard|highmem|highcpu)-\d+$")
GCP_REGIONS = ("us-central1", "europe-west1")
AZURE_FAMILIES = {re.compile(r"^Standard_D(\d+)s_v5$"): 4, re.compile(r"^Standard_E(\d+)s_v5$"): 8,
                  re.compile(r"^Standard_F(\d+)s_v2$"): 2}
AZURE_REGIONS = ("eastus", "westeurope")


def aws_rows(prices):
    path = os.path.join(prices, "aws_spot_advisor", "aws_us-east-1_linux_joined.csv")
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            if not AWS_FAMILIES.match(r["instance_type"]):
                continue
            od = float(r["ondemand_usd_per_hour_2026-07-20"])
            savings = float(r["spot_savings_pct_2025-06-28"] or 0)
            yield ("aws", "us-east-1", r["instance_type"], int(float(r["vcpu"])),
                   float(r["memory_gib"]), od, od * (1 - savings / 100), savings,
                   r["interruption_band"])


def gcp_rows(prices):
    path = os.path.join(prices, "gcp_cyclenerd", "gcp_compute_instance_prices.csv")
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            if r["region"] not in GCP_REGIONS or not GCP_FAMILIES.match(r["machine_type"]):
                continue
            if not r["usd_per_hour"] or not r["usd_per_hour_spot"]:
                continue
            od, spot = float(r["usd_per_hour"]), float(r["usd_per_hour_spot"])
            # GCP's memory is in GB as the API states it for machine types, which are GiB.
            yield ("gcp", r["region"], r["machine_type"], int(float(r["vcpu"])),
                   float(r["memory_gb"]), od, spot, 100 * (1 - spot / od), "unknown")


def azure_rows(prices):
    with open(os.path.join(prices, "opencost_defaults", "azure.json")) as f:
        oc = json.load(f)
    discount = 100 * (1 - float(oc["spotCPU"]) / float(oc["CPU"]))
    path = os.path.join(prices, "azure_karpenter", "azure_ondemand_linux.csv")
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            if r["region"] not in AZURE_REGIONS:
                continue
            for pattern, gib_per_vcpu in AZURE_FAMILIES.items():
                m = pattern.match(r["sku"])
                if not m:
                    continue
                vcpu = int(m.group(1))
                od = float(r["usd_per_hour"])
                yield ("azure", r["region"], r["sku"], vcpu, float(vcpu * gib_per_vcpu), od,
                       od * (1 - discount / 100), discount, "unknown")


# Listed first for their provider: the region `crescendo optimize cost` prices in by default.
DEFAULT_REGIONS = ("us-east-1", "us-central1", "eastus")

SOURCES = [
    "aws on-demand: aws/karpenter-provider-aws zz_generated.pricing_aws.go, generated "
    "2026-07-20 (us-east-1)",
    "aws spot: AWS Spot Instance Advisor feed via alexei-led/spotinfo, about 2025-06-28 "
    "(savings and interruption bands; spot price derived)",
    "gcp: Cyclenerd/google-cloud-pricing-cost-calculator pricing.yml, generated 2026-07-30",
    "azure on-demand: Azure/karpenter-provider-azure zz_generated.pricing.go, generated "
    "2026-06-18",
    "azure spot: OpenCost configs/azure.json default spot/on-demand ratio, April 2019 prices",
]


def main():
    ap = argparse.ArgumentParser(description="Build data/prices/catalogue.csv")
    ap.add_argument("--prices", default=os.path.join(os.environ.get("CRESCENDO_SHARED_DIR",
                                                                    "../shared"), "prices"))
    ap.add_argument("--out", default="data/prices/catalogue.csv")
    args = ap.parse_args()
    if not os.path.isdir(args.prices):
        print(f"build_price_catalogue: {args.prices} not found", file=sys.stderr)
        return 2
    rows = sorted(list(aws_rows(args.prices)) + list(gcp_rows(args.prices)) +
                  list(azure_rows(args.prices)),
                  key=lambda r: (r[0], r[1] not in DEFAULT_REGIONS, r[1], r[5], r[2]))
    with open(args.out, "w", newline="") as f:
        f.write("# Crescendo price catalogue, version 2026-08 (tools/build_price_catalogue.py)\n")
        for s in SOURCES:
            f.write(f"# source: {s}\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["provider", "region", "instance_type", "vcpu", "memory_gib",
                    "ondemand_usd_per_hour", "spot_usd_per_hour", "spot_discount_pct",
                    "interruption_band"])
        for r in rows:
            w.writerow([r[0], r[1], r[2], r[3], f"{r[4]:g}", f"{r[5]:.6g}", f"{r[6]:.6g}",
                        f"{r[7]:.1f}", r[8]])
    print(f"build_price_catalogue: {len(rows)} rows to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
