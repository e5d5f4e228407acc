#!/usr/bin/env python3
"""Runs every ```sh block of README.md and docs/*.md and fails when one fails.

A ```sh block is a promise that its commands run as shown from the repository root on a built
tree (the binary at build/release/app/crescendo). Blocks that install, build or need data that is
not in the repository use another fence (```bash, or none). Each block runs with `bash -e` in a
scratch directory that mirrors the repository root (symbolic links to its entries) and whose
build/release/app/crescendo is the binary under test, so files the commands write land there.

    run_readme_test.py CRESCENDO_BINARY SOURCE_DIR
"""
import glob, os, re, shutil, subprocess, sys, tempfile, time

crescendo, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
BLOCK = re.compile(r"^```sh\n(.*?)^```", re.S | re.M)
TIMEOUT = 600

documents = [os.path.join(source, "README.md")] + sorted(glob.glob(os.path.join(source, "docs/*.md")))
blocks = []
for path in documents:
    text = open(path).read()
    for m in BLOCK.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        blocks.append((os.path.relpath(path, source), line, m.group(1)))
if not blocks:
    sys.exit("no ```sh block found: the test would assert nothing")

failures = []
for doc, line, script in blocks:
    scratch = tempfile.mkdtemp(prefix="crescendo-readme-")
    for entry in os.listdir(source):
        if entry not in ("build", ".git"):
            os.symlink(os.path.join(source, entry), os.path.join(scratch, entry))
    os.makedirs(os.path.join(scratch, "build/release/app"))
    os.symlink(crescendo, os.path.join(scratch, "build/release/app/crescendo"))
    started = time.monotonic()
    try:
        p = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=scratch,
                           capture_output=True, text=True, timeout=TIMEOUT)
        code, output = p.returncode, (p.stdout + p.stderr)
    except subprocess.TimeoutExpired:
        code, output = "timeout", ""
    seconds = time.monotonic() - started
    shutil.rmtree(scratch, ignore_errors=True)
    status = "ok  " if code == 0 else "FAIL"
    print(f"{status} {doc}:{line} ({seconds:.1f}s)")
    if code != 0:
        failures.append(f"{doc}:{line}: exit {code}\n{script}\n{output[-3000:]}")

if failures:
    print("\n\n".join(failures))
    sys.exit(1)
print(f"{len(blocks)} blocks from {len(documents)} documents ran")
