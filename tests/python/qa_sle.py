#!/usr/bin/env python3
"""SLE end to end between two groundlink processes: `groundlink decode --sle` as the provider,
serving a replayed pass, and `groundlink sle-user` as the user. RAF, RCF and FCLTU; auth none,
bind and all; SLE versions 2 to 5 (one service instance per version, users in parallel)."""
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import unittest

BIN = os.path.join(os.environ.get("GROUNDLINK_BIN", "build/bin"), "groundlink")
DATA = os.environ.get("GROUNDLINK_TEST_DATA", os.path.join(os.path.dirname(__file__), "..", "data"))
SNPP = os.path.join(DATA, "snpp", "snpp_synchronized_cadus.dat")  # 65 AOS frames, SCID 157, VCID 16
CLTU_FILE = os.path.join(DATA, "ccsds", "cltu", "cltu_bch_dariol83.txt")
USER_PW = "000102030405060708090a0b0c0d0e0f"
PROVIDER_PW = "ab0102030405060708090a0b0c0d0e0f"
VERSIONS = (2, 3, 4, 5)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def sii_of(service, v):
    if service == "cltu":
        return f"sagr=1.spack=1.fsl-fg=1.cltu=cltu{v}"
    return f"sagr=1.spack=1.rsl-fg=1.{service}=onlc{v}"


class one_raf_provider:
    """`groundlink decode --sle` serving the SNPP pass on one RAF v5 instance with BIND
    authentication; `user` is the YAML of its one user."""

    def __init__(self, user):
        self.user = user

    def __enter__(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.port = free_port()
        cfg = os.path.join(self.tmp.name, "sle.yaml")
        with open(cfg, "w") as f:
            f.write(f"instances:\n  - sii: \"{sii_of('raf', 5)}\"\n    host: 127.0.0.1\n    port: {self.port}\n"
                    f"    auth: bind\n    responder_password: \"{PROVIDER_PW}\"\n    users: [{self.user}]\n")
        self.p = subprocess.Popen([BIN, "decode", "--profile", "snpp-cadu", "--input", SNPP, "--format", "bits",
                                   "--sle", cfg, "--sle-linger", "30"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if not wait_listening(self.port):
            self.__exit__(None, None, None)
            raise AssertionError("the provider's port is not listening")
        return self

    def user_cmd(self, *args):
        return [BIN, "sle-user", "--port", str(self.port), "--sii", sii_of("raf", 5), "--auth", "bind",
                "--user", "mertens", *args]

    def __exit__(self, *exc):
        self.p.send_signal(signal.SIGTERM)
        self.p.communicate(timeout=30)
        self.tmp.cleanup()
        return False


class qa_sle(unittest.TestCase):
    def session(self, service, auth):
        with tempfile.TemporaryDirectory() as tmp:
            ports = {v: free_port() for v in VERSIONS}
            lines = ["io_threads: 1", "instances:"]
            for v in VERSIONS:
                lines += [f"  - sii: \"{sii_of(service, v)}\"",
                          f"    service: {service}",
                          f"    responder_port: {'CLTU_PORT' if service == 'cltu' else 'RAF_PORT'}",
                          "    host: 127.0.0.1",
                          f"    port: {ports[v]}",
                          "    responder_id: groundlink",
                          f"    responder_password: \"{PROVIDER_PW}\"",
                          f"    auth: {auth}",
                          f"    users: [{{id: mertens, password: \"{USER_PW}\"}}]",
                          f"    versions: [{v}]"]
                if service != "cltu":
                    lines.append("    delivery: complete")
            cfg = os.path.join(tmp, "sle.yaml")
            with open(cfg, "w") as f:
                f.write("\n".join(lines) + "\n")
            cltu_out = os.path.join(tmp, "cltus.txt")
            provider = subprocess.Popen(
                [BIN, "decode", "--profile", "snpp-cadu", "--input", SNPP, "--format", "bits", "--sle", cfg,
                 "--sle-wait-start", str(len(VERSIONS)), "--sle-linger", "60", "--cltu-out", cltu_out],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            try:
                for v in VERSIONS:
                    self.assertTrue(wait_listening(ports[v]), f"provider port for v{v} not listening")
                users = {}
                for v in VERSIONS:
                    cmd = [BIN, "sle-user", "--port", str(ports[v]), "--service", service, "--sii", sii_of(service, v),
                           "--version", str(v), "--auth", auth, "--user", "mertens", "--password", USER_PW,
                           "--responder-id", "groundlink", "--responder-password", PROVIDER_PW, "--timeout", "30",
                           "--responder-port", "CLTU_PORT" if service == "cltu" else "RAF_PORT"]
                    if service == "cltu":
                        cmd += ["--cltu-file", CLTU_FILE]
                    else:
                        cmd += ["--frames", "65"]
                    if service == "rcf":
                        cmd += ["--gvcid", "157:1:16"]
                    users[v] = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                results = {}
                for v, p in users.items():
                    out, err = p.communicate(timeout=60)
                    self.assertEqual(p.returncode, 0, f"{service}/{auth}/v{v}: {out}{err}")
                    results[v] = json.loads(out.strip().splitlines()[-1])
                for v, r in results.items():
                    self.assertEqual(r["bind"], "positive")
                    self.assertEqual(r["version"], v)
                    self.assertEqual(r["start"], "positive")
                    self.assertEqual(r["stop"], "positive")
                    if service == "cltu":
                        self.assertEqual(r["cltus_accepted"], 1)
                    else:
                        self.assertEqual(r["frames"], 65, f"{service}/{auth}/v{v}")
                        self.assertEqual(r["frames_good"], 65)
                # The provider prints its summary once the pass is decoded, then lingers serving.
                line = provider.stdout.readline()
            finally:
                provider.send_signal(signal.SIGTERM)
                out, err = provider.communicate(timeout=30)
            self.assertEqual(provider.returncode, 0, f"rc={provider.returncode} " + err[-3000:])
            summary = json.loads(line)
            self.assertEqual(summary["frames_good"], 65)
            if service == "cltu":
                with open(CLTU_FILE) as f:
                    sent = [l.strip().lower() for l in f if l.strip() and not l.startswith("#")][0]
                with open(cltu_out) as f:
                    got = [l.strip() for l in f if l.strip()]
                self.assertEqual(got, [sent] * len(VERSIONS))
            else:
                self.assertEqual(summary["sle_frames_delivered"], 65 * len(VERSIONS))

    def test_raf_all_auth_modes_all_versions(self):
        for auth in ("none", "bind", "all"):
            with self.subTest(auth=auth):
                self.session("raf", auth)

    def test_rcf_all_auth_modes_all_versions(self):
        for auth in ("none", "bind", "all"):
            with self.subTest(auth=auth):
                self.session("rcf", auth)

    def test_fcltu_all_auth_modes_all_versions(self):
        for auth in ("none", "bind", "all"):
            with self.subTest(auth=auth):
                self.session("cltu", auth)

    def test_wrong_password_is_refused(self):
        with one_raf_provider(f"{{id: mertens, password: \"{USER_PW}\"}}") as prov:
            p = subprocess.run(prov.user_cmd("--password", "ffffffffffffffffffffffffffffffff"),
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 1)
            self.assertEqual(json.loads(p.stdout.strip().splitlines()[-1])["bind"], "negative")
            # The provider keeps serving: the right password binds.
            p = subprocess.run(prov.user_cmd("--password", USER_PW), capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(prov.p.returncode, 0)

    def test_per_peer_hash(self):
        # A v5 peer configured for SHA-1 credentials (as dariol83's v5 user sends them): the
        # provider checks with the hash configured for that user, the user picks its own.
        with one_raf_provider(f"{{id: mertens, password: \"{USER_PW}\", hash: sha1}}") as prov:
            base = prov.user_cmd("--password", USER_PW, "--version", "5")
            p = subprocess.run(base + ["--hash", "sha256"], capture_output=True, text=True, timeout=30)
            self.assertEqual(json.loads(p.stdout.strip().splitlines()[-1])["bind"], "negative", p.stderr)
            p = subprocess.run(base + ["--hash", "sha1"], capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            self.assertEqual(json.loads(p.stdout.strip().splitlines()[-1])["bind"], "positive")
            p = subprocess.run(base + ["--hash", "md5"], capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 2)
            self.assertIn("--hash", p.stderr)
        self.assertEqual(prov.p.returncode, 0)

    def test_bad_provider_configuration_names_the_field(self):
        with tempfile.TemporaryDirectory() as tmp:
            cfg = os.path.join(tmp, "sle.yaml")
            with open(cfg, "w") as f:
                f.write("instances:\n  - sii: \"sagr=1.spack=1.rsl-fg=1.raf=onlt1\"\n    buffer_size: 0\n")
            p = subprocess.run([BIN, "decode", "--profile", "snpp-cadu", "--input", SNPP, "--format", "bits",
                                "--sle", cfg], capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 2)
            self.assertIn("buffer_size", p.stderr)


if __name__ == "__main__":
    unittest.main()
