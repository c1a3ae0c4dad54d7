#!/usr/bin/env python3
"""Installed-prefix check: `cmake --install` into a fresh temporary prefix, then use only what was
installed there: the Python module (PYTHONPATH = the prefix's site directory, never the build
tree), a flowgraph with it on real data, the program (its libraries through RPATH, its profiles
from the prefix, not the source tree) and the GRC blocks and flowgraphs with grcc.

usage: check_install.py BUILD_DIR LIBDIR PYTHON_SITE DATA_DIR"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

build, libdir, pysite, data = sys.argv[1:5]
build, data = os.path.abspath(build), os.path.abspath(data)
BW3 = os.path.join(data, "bw3", "bw3_symbols_20220925_051912.f32")
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def run(cmd, env, cwd, **kw):
    return subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=300, **kw)


with tempfile.TemporaryDirectory() as tmp:
    prefix = os.path.join(tmp, "prefix")
    r = subprocess.run(["cmake", "--install", build, "--prefix", prefix], capture_output=True, text=True)
    check(r.returncode == 0, "cmake --install succeeds: " + r.stderr[-500:])
    # A clean environment: no build-tree paths, no profile override, a private HOME for GRC.
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "LD_LIBRARY_PATH", "GROUNDLINK_PROFILE_PATH", "GRC_BLOCKS_PATH")}
    env["HOME"] = os.path.join(tmp, "home")
    os.makedirs(env["HOME"])
    site = os.path.join(prefix, pysite)
    exe = os.path.join(prefix, "bin", "groundlink")
    for rel in ["bin/groundlink", f"{libdir}/libgroundlink_blocks.so", f"{libdir}/libgroundlink_dsp.so",
                f"{pysite}/gnuradio/groundlink/__init__.py",
                "share/gnuradio/grc/blocks/groundlink_psk_demod.block.yml",
                "share/gnuradio/grc/blocks/groundlink.tree.yml",
                "share/groundlink/profiles/ccsds-concatenated.yaml",
                "share/groundlink/flowgraphs/groundlink_loopback.grc",
                "include/groundlink/frame_decoder.h", "include/groundlink/dsp/psk_demod.h"]:
        check(os.path.exists(os.path.join(prefix, rel)), "installed " + rel)

    # The module from the prefix, its libraries from the prefix, a real flowgraph with it.
    py_env = dict(env, PYTHONPATH=site, GR_CONF_LOG_LOG_LEVEL="info")
    script = f"""
import os
from gnuradio import gr, blocks, groundlink
print("module", groundlink.__file__)
libs = sorted({{l.split()[-1] for l in open("/proc/self/maps") if "libgroundlink" in l}})
print("libs", " ".join(libs))
tb = gr.top_block()
src = groundlink.soft_file_source({BW3!r}, "softf32", 0.0)
dec = groundlink.frame_decoder(groundlink.make_frame_decoder_config(
    conv_rate="1/2", randomizer=True, rs_e=0, format="none", frame_length=355, fecf=False))
store = blocks.message_debug()
tb.connect(src, dec)
tb.msg_connect(dec, "frames", store, "store")
tb.run()
print("frames", store.num_messages())
"""
    r = run([sys.executable, "-c", script], py_env, tmp)
    out = dict(l.split(" ", 1) for l in r.stdout.splitlines() if " " in l)
    check(r.returncode == 0, "flowgraph with the installed module runs: " + r.stderr[-800:])
    check(out.get("module", "").startswith(prefix + os.sep), "module imported from the prefix: " + out.get("module", ""))
    libs = out.get("libs", "").split()
    check(bool(libs) and all(l.startswith(prefix + os.sep) for l in libs),
          "libgroundlink_* loaded from the prefix: " + " ".join(libs))
    check(int(out.get("frames", 0)) >= 152, "BlueWalker-3 frames decoded: " + out.get("frames", "0"))

    # The program: RPATH to the installed libraries, --help, a decode with an installed profile.
    r = run(["ldd", exe], env, tmp)
    gl = [l for l in r.stdout.splitlines() if "libgroundlink" in l]
    check(bool(gl) and all(prefix in l for l in gl), "groundlink links the prefix's libraries: " + "; ".join(gl))
    r = run([exe, "--help"], env, tmp)
    check(r.returncode == 0 and "decode" in r.stdout + r.stderr, "groundlink --help")

    def decode(profile):
        r = run([exe, "decode", "--profile", profile, "--input", BW3, "--format", "softf32"], env, tmp)
        lines = [l for l in r.stdout.splitlines() if l.startswith("{")]
        return r.returncode, (json.loads(lines[-1]) if lines else {}), r.stderr

    rc, summary, err = decode("bluewalker3")
    check(rc == 0 and summary.get("frames_undetermined", 0) + summary.get("frames_good", 0) >= 150,
          f"decode with the installed profile bluewalker3: rc {rc} {summary} {err[-300:]}")
    # Profiles come from the prefix: one that exists only there is found, one removed from there
    # (but still in the source tree) is not.
    pdir = os.path.join(prefix, "share", "groundlink", "profiles")
    text = open(os.path.join(pdir, "bluewalker3.yaml")).read().replace("name: bluewalker3", "name: installed-only")
    open(os.path.join(pdir, "installed-only.yaml"), "w").write(text)
    rc, summary, err = decode("installed-only")
    check(rc == 0 and summary.get("frames_undetermined", 0) + summary.get("frames_good", 0) >= 150,
          f"a profile only in the prefix is found: rc {rc} {err[-300:]}")
    os.remove(os.path.join(pdir, "snpp.yaml"))
    r = run([exe, "decode", "--profile", "snpp", "--input", BW3, "--format", "softf32"], env, tmp)
    check(r.returncode == 2 and "snpp" in r.stderr and "--input" not in r.stderr,
          f"a profile removed from the prefix is not taken from the source tree: rc {r.returncode} {r.stderr[-300:]}")
    # Moved prefix: still finds its libraries and profiles.
    moved = os.path.join(tmp, "moved")
    shutil.move(prefix, moved)
    r = run([os.path.join(moved, "bin", "groundlink"), "decode", "--profile", "installed-only", "--input", BW3,
             "--format", "softf32"], env, tmp)
    check(r.returncode == 0, f"a moved prefix still works: rc {r.returncode} {r.stderr[-300:]}")

    # GRC: the installed blocks and flowgraphs compile with grcc.
    grc_env = dict(env, GRC_BLOCKS_PATH=os.path.join(moved, "share", "gnuradio", "grc", "blocks"))
    for name in ("groundlink_replay", "groundlink_loopback"):
        r = run(["grcc", "-o", tmp, os.path.join(moved, "share", "groundlink", "flowgraphs", name + ".grc")],
                grc_env, tmp)
        check(r.returncode == 0 and os.path.exists(os.path.join(tmp, name + ".py")),
              f"grcc {name} with the installed blocks: {r.stdout[-300:]}")

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
