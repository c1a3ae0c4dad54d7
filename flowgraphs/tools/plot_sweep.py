#!/usr/bin/env python3
"""Plot a `groundlink sweep` CSV: measured FER of the receive chain, the genie FER (ideal soft
symbols, same decoder), and the theoretical bit-error references."""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(csv_path, png_path, title):
    rows = list(csv.DictReader(open(csv_path)))
    x = [float(r["ebn0_db"]) for r in rows]
    floor = 0.5 / max(int(r["frames"]) for r in rows)

    def col(name):
        return [max(float(r[name]), floor) if r[name] != "" else None for r in rows]

    fig, ax = plt.subplots(figsize=(8, 5.5))
    ax.semilogy(x, col("fer_chain"), "o-", label="FER, demodulator + decoder (this run)")
    ax.semilogy(x, col("fer_genie"), "s--", label="FER, genie (ideal soft symbols, same decoder)")
    ax.semilogy(x, col("ber_uncoded_theory"), ":", label="BER theory, uncoded BPSK/QPSK")
    ax.semilogy(x, col("ber_conv_bound"), "-.", label="BER bound, conv r=1/2 k=7 soft (union)")
    ax.axhline(1e-2, color="grey", lw=0.6)
    ax.set_xlabel("Eb/N0 per information bit (dB)")
    ax.set_ylabel("error rate")
    ax.set_ylim(floor / 2, 1.2)
    ax.grid(True, which="both", alpha=0.3)
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(png_path, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "groundlink sweep")
