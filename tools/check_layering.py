#!/usr/bin/env python3
"""Checks that Crescendo's files include only what their CMake dependencies allow.

The rules (ARCHITECTURE.md, "Layers"): one library per layer, dependencies point one way and
have no cycle; a layer may include a peer's contract (include/crescendo/<peer>/...) only when
its CMake dependencies (transitively) link crescendo::<peer>, and never another layer's src/.

What each file may use is derived from CMake, not from a table here:
  - src/<layer>/CMakeLists.txt: crescendo_layer(NAME <layer> DEPS ... TEST_DEPS ...). The
    layer's library files and its contracts (include/crescendo/<layer>/) may use the contracts
    of DEPS, transitively. Its *_test.cc and *_benchmark.cc files, and the headers in src/<layer>/
    that only they include, may also use TEST_DEPS (cmake/crescendo.cmake links those binaries
    with the library and TEST_DEPS; *_fuzzer.cc targets link the library only, so fuzzers get DEPS).
  - app/CMakeLists.txt and tests/**/CMakeLists.txt: add_executable(<target> <sources>) and
    target_link_libraries(<target> ... crescendo::<layer> ...). A file listed in no target
    follows the targets of the nearest CMakeLists.txt above it (all of them at once). An
    integration test of a layer's own classes declares crescendo_white_box(<target> <layer>...):
    it may then include the private headers of the named layers that the target links directly.
Every quoted include is resolved as the compiler does (the file's folder, then include/, then
src/) and classified by where it lands: include/crescendo/<layer>/ is a contract of <layer>;
src/<layer>/ is a private header of <layer>, for <layer>'s own files only (not for its
contracts, whose users do not have src/ on their include path); a file under app/ or tests/ is
private to the CMake folder it sits in (and to executables that build sources from there).
<crescendo/...> and other angle includes that resolve in the tree are checked the same way;
other angle includes are system headers.

Findings (one line each, "file:line: what; what is allowed"): a forbidden include, a folder
under src/ or include/ that is not a declared layer, an include that resolves nowhere, a link to
an unknown layer, a dependency cycle. An allowlist (--allow FILE) names accepted findings, one
per line: `path:line reason` or `path reason` (the reason is required); '#' starts a comment.
An entry that matches no finding is itself a finding, so the list only shrinks.

Usage: check_layering.py [--root DIR] [--allow FILE]   exit 0 when clean, 1 on findings,
                                                        2 when ROOT has no src/ or FILE is missing
       check_layering.py --self-test                    proves each rule on a fake tree
Python 3.11 standard library only.
"""
import argparse
import dataclasses
import os
import re
import sys
import tempfile

SOURCE_EXTENSIONS = (".h", ".hh", ".hpp", ".hxx", ".inc", ".ipp", ".c", ".cc", ".cpp", ".cxx")
HEADER_EXTENSIONS = (".h", ".hh", ".hpp", ".hxx", ".inc", ".ipp")
SKIPPED_DIRS = {"node_modules", "__pycache__"}
TEST_FILE = re.compile(r"_(test|benchmark)\.(cc|cpp|cxx)$")
INCLUDE = re.compile(r'^\s*#\s*include\s*(?:"(?P<quoted>[^"]+)"|<(?P<angled>[^>]+)>)')
LAYER_TARGET = re.compile(r"^crescendo(?:::|_)(?P<layer>[A-Za-z0-9_]+)$")


# ---------------------------------------------------------------------------------------------
# Findings and the allowlist


@dataclasses.dataclass(frozen=True, order=True)
class Finding:
    path: str  # relative to the root, '/'-separated
    line: int  # 0 when the finding is about a whole file or folder
    message: str

    def __str__(self):
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclasses.dataclass(frozen=True)
class AllowEntry:
    path: str
    line: int  # 0 matches every finding of the path
    reason: str
    source_line: int

    def matches(self, finding):
        return finding.path == self.path and (self.line == 0 or self.line == finding.line)


def read_allowlist(path, display):
    """Returns (entries, findings about the allowlist itself, reported as `display`)."""
    entries, problems = [], []
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            text = raw.split("#", 1)[0].strip()
            if not text:
                continue
            key, reason = (text.split(None, 1) + [""])[:2]
            m = re.match(r"^(?P<path>[^:]+?)(?::(?P<line>[0-9]+))?$", key)
            if not m or not reason:
                problems.append(Finding(display, number,
                                        f"allowlist entry {text!r} is not 'path[:line] reason'"))
                continue
            entries.append(AllowEntry(m.group("path").strip("/"), int(m.group("line") or 0),
                                      reason, number))
    return entries, problems


def apply_allowlist(findings, entries, display):
    """Returns (remaining findings, accepted count); stale entries become findings."""
    remaining, accepted, used = [], 0, set()
    for finding in findings:
        hits = [e for e in entries if e.matches(finding)]
        if hits:
            accepted += 1
            used.update(hits)
        else:
            remaining.append(finding)
    for entry in entries:
        if entry not in used:
            target = f"{entry.path}:{entry.line}" if entry.line else entry.path
            remaining.append(Finding(display, entry.source_line,
                                     f"allowlist entry '{target}' matches no finding; remove it"))
    return remaining, accepted


# ---------------------------------------------------------------------------------------------
# CMake


@dataclasses.dataclass
class Command:
    name: str  # lower case
    args: list
    line: int


def _strip_cmake_comments(text):
    """Blanks '#' and '#[[...]]' comments outside quoted arguments, keeping line breaks."""
    out, i, in_quote = [], 0, False
    while i < len(text):
        c = text[i]
        if in_quote:
            if c == "\\" and i + 1 < len(text):
                out.append(text[i:i + 2])
                i += 2
                continue
            in_quote = c != '"'
            out.append(c)
        elif c == '"':
            in_quote = True
            out.append(c)
        elif c == "#":
            bracket = re.match(r"#\[(=*)\[", text[i:])
            if bracket:
                close = "]" + bracket.group(1) + "]"
                end = text.find(close, i)
                end = len(text) if end < 0 else end + len(close)
            else:
                end = text.find("\n", i)
                end = len(text) if end < 0 else end
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


def parse_cmake(text):
    """Returns the commands of a CMake file, arguments split, quotes removed."""
    text = _strip_cmake_comments(text)
    commands = []
    for m in re.finditer(r"(?m)^[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*\(", text):
        depth, i = 1, m.end()
        while i < len(text) and depth:
            if text[i] == '"':
                i = text.find('"', i + 1)
                i = len(text) if i < 0 else i
            elif text[i] == "(":
                depth += 1
            elif text[i] == ")":
                depth -= 1
            i += 1
        body = text[m.end():i - 1]
        args = [a[1:-1] if a.startswith('"') else a
                for a in re.findall(r'"(?:\\.|[^"\\])*"|[^\s()]+', body)]
        commands.append(Command(m.group(1).lower(), args, text.count("\n", 0, m.start()) + 1))
    return commands


@dataclasses.dataclass
class Layer:
    name: str
    cmake: str  # relative path of its CMakeLists.txt
    line: int
    deps: list  # [(target as written, layer name or None)]
    test_deps: list


@dataclasses.dataclass
class Executable:
    name: str
    cmake: str
    line: int
    folder: str  # relative folder of its CMakeLists.txt
    sources: set  # relative paths
    links: list = dataclasses.field(default_factory=list)  # [(target as written, layer or None)]
    white_box: set = dataclasses.field(default_factory=set)  # layers whose src/ it may include


def _layer_targets(items):
    out = []
    for item in items:
        m = LAYER_TARGET.match(item)
        if m:
            out.append((item, m.group("layer")))
    return out


def _split_keywords(args, keywords):
    groups, current = {}, None
    for arg in args:
        if arg in keywords:
            current = arg
            groups.setdefault(current, [])
        elif current:
            groups[current].append(arg)
    return groups


def read_layers(root, findings):
    """Parses src/*/CMakeLists.txt; returns {layer: Layer}."""
    layers = {}
    src = os.path.join(root, "src")
    for folder in sorted(os.listdir(src)):
        cmake = os.path.join(src, folder, "CMakeLists.txt")
        if not os.path.isfile(cmake):
            continue
        rel = f"src/{folder}/CMakeLists.txt"
        with open(cmake, encoding="utf-8", errors="replace") as f:
            commands = parse_cmake(f.read())
        for cmd in commands:
            if cmd.name != "crescendo_layer":
                continue
            groups = _split_keywords(cmd.args, {"NAME", "DEPS", "TEST_DEPS"})
            name = (groups.get("NAME") or [None])[0]
            if name != folder:
                findings.append(Finding(rel, cmd.line,
                                        f"crescendo_layer(NAME {name}) in folder src/{folder}; "
                                        f"a layer's NAME must be its folder name"))
                continue
            layers[name] = Layer(name, rel, cmd.line, _layer_targets(groups.get("DEPS", [])),
                                 _layer_targets(groups.get("TEST_DEPS", [])))
    return layers


def _source_path(arg, folder):
    """Returns the root-relative path of a source argument of a CMakeLists.txt in `folder`."""
    for var in ("${PROJECT_SOURCE_DIR}/", "${CMAKE_SOURCE_DIR}/"):
        if arg.startswith(var):
            return _normalize(arg[len(var):])
    for var in ("${CMAKE_CURRENT_SOURCE_DIR}/", "${CMAKE_CURRENT_LIST_DIR}/"):
        if arg.startswith(var):
            arg = arg[len(var):]
    return _normalize(f"{folder}/{arg}")


def read_executables(root):
    """Parses app/CMakeLists.txt and tests/**/CMakeLists.txt; returns [Executable]."""
    executables = []
    for top in ("app", "tests"):
        for dirpath, dirnames, files in _walk(os.path.join(root, top)):
            if "CMakeLists.txt" not in files:
                continue
            folder = _rel(dirpath, root)
            rel = f"{folder}/CMakeLists.txt"
            with open(os.path.join(dirpath, "CMakeLists.txt"), encoding="utf-8",
                      errors="replace") as f:
                commands = parse_cmake(f.read())
            by_name = {}
            for cmd in commands:
                if cmd.name == "add_executable" and cmd.args and not (
                        {"IMPORTED", "ALIAS"} & set(cmd.args[1:])):
                    sources = {_source_path(a, folder) for a in cmd.args[1:]
                               if a not in ("WIN32", "MACOSX_BUNDLE", "EXCLUDE_FROM_ALL")}
                    exe = Executable(cmd.args[0], rel, cmd.line, folder, sources)
                    by_name[exe.name] = exe
                    executables.append(exe)
            for cmd in commands:
                exe = by_name.get(cmd.args[0]) if cmd.args else None
                if exe is None:
                    continue
                if cmd.name == "target_link_libraries":
                    exe.links.extend(_layer_targets(cmd.args[1:]))
                elif cmd.name == "crescendo_white_box":
                    exe.white_box.update(cmd.args[1:])
                elif cmd.name == "target_sources":
                    exe.sources.update(_source_path(a, folder) for a in cmd.args[1:]
                                       if a not in ("PRIVATE", "PUBLIC", "INTERFACE"))
    return executables


# ---------------------------------------------------------------------------------------------
# The dependency graph


def check_graph(layers, executables, findings):
    """Reports links to unknown layers and cycles; returns {layer: set of layers it reaches}."""
    known = sorted(layers)
    for layer in layers.values():
        for written, target in layer.deps + layer.test_deps:
            if target not in layers:
                findings.append(Finding(layer.cmake, layer.line,
                                        f"layer '{layer.name}' links {written}, which is not a "
                                        f"declared layer; layers: {', '.join(known)}"))
    for exe in executables:
        for written, target in exe.links:
            if target not in layers:
                findings.append(Finding(exe.cmake, exe.line,
                                        f"executable '{exe.name}' links {written}, which is not "
                                        f"a declared layer; layers: {', '.join(known)}"))
    edges = {name: [t for _, t in layer.deps if t in layers] for name, layer in layers.items()}
    for cycle in find_cycles(edges):
        first = layers[cycle[0]]
        findings.append(Finding(first.cmake, first.line,
                                f"dependency cycle: {' -> '.join(cycle + [cycle[0]])} (DEPS of "
                                f"{', '.join(layers[n].cmake for n in cycle)}); dependencies "
                                f"must point one way"))
    return {name: reach(edges, [name]) for name in layers}


def find_cycles(edges):
    """Returns one shortest cycle per strongly connected group of layers, as a list of nodes
    starting at the group's first name; `edges` maps each node to the nodes it depends on."""
    cycles = []
    for group in strongly_connected(edges):
        start = min(group)
        if len(group) == 1 and start not in edges[start]:
            continue
        paths, todo = {start: [start]}, [start]
        while todo:  # breadth first, inside the group, back to start
            node = todo.pop(0)
            if start in edges[node]:
                cycles.append(paths[node])
                break
            for child in sorted(edges[node]):
                if child in group and child not in paths:
                    paths[child] = paths[node] + [child]
                    todo.append(child)
    return sorted(cycles)


def strongly_connected(edges):
    """Tarjan's algorithm, iterative; returns the strongly connected components as sets."""
    index, low, on_stack, stack, groups = {}, {}, set(), [], []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                groups.append(group)
    return groups


def reach(edges, starts):
    out, todo = set(), list(starts)
    while todo:
        node = todo.pop()
        for child in edges.get(node, []):
            if child not in out:
                out.add(child)
                todo.append(child)
    return out


# ---------------------------------------------------------------------------------------------
# Rules for a file


@dataclasses.dataclass(frozen=True)
class Rules:
    who: str  # "layer 'x'", "tests of layer 'x'", "executable 'y'"
    where: str  # the CMake the rules come from
    layer: str | None  # its own layer: own contracts and private headers
    contracts: frozenset  # layers whose contracts it may include (own layer included)
    home: str | None = None  # for executables: the folder whose files it may include
    shared: frozenset = frozenset()  # for executables: other folders of sources it builds
    white_box: frozenset = frozenset()  # for executables: layers whose src/ it may include

    def allowed(self):
        parts = [f"contracts of {', '.join(sorted(self.contracts)) or 'no layer'}"]
        if self.layer:
            parts.append(f"private headers of src/{self.layer}/")
        for layer in sorted(self.white_box):
            parts.append(f"private headers of src/{layer}/ (crescendo_white_box)")
        if self.home:
            parts.append(f"files under {self.home}/")
        for folder in sorted(self.shared):
            parts.append(f"files under {folder}/ (it builds sources from there)")
        return f"{self.who} may include {'; '.join(parts)} ({self.where})"


def layer_rules(layer, closure, tests):
    if tests:
        test_layers = {t for _, t in layer.test_deps if t in closure}
        contracts = closure[layer.name] | test_layers | {
            r for t in test_layers for r in closure[t]}
        return Rules(f"tests of layer '{layer.name}'", f"{layer.cmake} DEPS and TEST_DEPS",
                     layer.name, frozenset(contracts | {layer.name}))
    return Rules(f"layer '{layer.name}'", f"{layer.cmake} DEPS", layer.name,
                 frozenset(closure[layer.name] | {layer.name}))


def executable_rules(exes, closure):
    """The rules all of `exes` satisfy at once (a shared header must build in each)."""
    contracts, white_box, shared = None, None, None
    for exe in exes:
        # The folders of sources it builds from outside its own (e.g. a shared test fixture).
        folders = {exe.folder} | {os.path.dirname(src) for src in exe.sources}
        shared = folders if shared is None else shared & folders
        mine = set()
        for _, target in exe.links:
            if target in closure:
                mine |= {target} | closure[target]
        contracts = mine if contracts is None else contracts & mine
        # White-box access only to layers the target links directly.
        linked = {target for _, target in exe.links}
        box = exe.white_box & linked
        white_box = box if white_box is None else white_box & box
    names = ", ".join(f"'{e.name}'" for e in exes)
    return Rules(f"executable {names}", f"{exes[0].cmake} target_link_libraries", None,
                 frozenset(contracts or ()),
                 exes[0].folder if exes[0].folder in (shared or set()) else None,
                 white_box=frozenset(white_box or ()),
                 shared=frozenset((shared or set()) - {exes[0].folder}))


# ---------------------------------------------------------------------------------------------
# The tree


def _rel(path, root):
    return os.path.relpath(path, root).replace(os.sep, "/")


def _normalize(rel):
    return os.path.normpath(rel).replace(os.sep, "/")


def _walk(top):
    for dirpath, dirnames, files in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in SKIPPED_DIRS)
        yield dirpath, dirnames, sorted(files)


def _sources(root, top):
    for dirpath, _, files in _walk(os.path.join(root, top)):
        for name in files:
            if name.endswith(SOURCE_EXTENSIONS):
                yield _rel(os.path.join(dirpath, name), root)


def _has_files(path):
    return any(files for _, _, files in _walk(path))


def unknown_folders(root, layers, findings):
    """Reports folders under src/ and include/ that are not layers, and loose files there."""
    known = ", ".join(sorted(layers))
    for top in ("src", "include/crescendo"):
        base = os.path.join(root, top)
        if not os.path.isdir(base):
            continue
        for entry in sorted(os.listdir(base)):
            path = os.path.join(base, entry)
            if entry.startswith(".") or entry in SKIPPED_DIRS:
                continue
            if os.path.isdir(path) and entry not in layers and _has_files(path):
                findings.append(Finding(f"{top}/{entry}", 0,
                                        f"folder is not a declared layer (no crescendo_layer(NAME "
                                        f"{entry} ...) in src/{entry}/CMakeLists.txt); layers: "
                                        f"{known}"))
            elif os.path.isfile(path) and entry.endswith(SOURCE_EXTENSIONS):
                findings.append(Finding(f"{top}/{entry}", 0,
                                        f"file is outside every layer; put it in {top}/<layer>/"))
    include = os.path.join(root, "include")
    if os.path.isdir(include):
        for entry in sorted(os.listdir(include)):
            if entry != "crescendo" and not entry.startswith("."):
                findings.append(Finding(f"include/{entry}", 0,
                                        "unknown folder; contracts live in "
                                        "include/crescendo/<layer>/"))


@dataclasses.dataclass
class Include:
    line: int
    text: str  # as written, with its quotes or brackets
    resolved: str | None  # relative path, or None when it resolves nowhere


def read_includes(root, rel):
    """Returns the includes of a file, resolved as the compiler would resolve them."""
    out, in_comment = [], False
    folder = os.path.dirname(rel)
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f, 1):
            if in_comment:
                if "*/" not in line:
                    continue
                line, in_comment = line.split("*/", 1)[1], False
            m = INCLUDE.match(line)
            if m:
                name = m.group("quoted") or m.group("angled")
                bases = [folder] if m.group("quoted") else []
                resolved = _resolve(root, name, bases + ["include", "src"])
                if m.group("quoted") or resolved or name.startswith("crescendo/"):
                    quote = f'"{name}"' if m.group("quoted") else f"<{name}>"
                    out.append(Include(number, quote, resolved))
            code = line.split("//", 1)[0]
            if code.rfind("/*") > code.rfind("*/"):
                in_comment = True
    return out


def _resolve(root, name, bases):
    for base in bases:
        rel = _normalize(f"{base}/{name}")
        if rel.startswith("../") or rel == "..":
            continue
        if os.path.isfile(os.path.join(root, rel)):
            return rel
    return None


def owner_of(rel):
    """Returns ('contract'|'private', layer) for a path under include/crescendo/ or src/."""
    parts = rel.split("/")
    if len(parts) >= 4 and parts[:2] == ["include", "crescendo"]:
        return "contract", parts[2]
    if len(parts) >= 3 and parts[0] == "src":
        return "private", parts[1]
    return None, None


def check_include(rel, inc, rules, layers, names):
    """Returns a Finding when `inc` of file `rel` breaks `rules`, else None; `names` maps a
    file name to the tree's files of that name (for the hint on an unresolved include)."""
    if inc.resolved is None:
        where = "the file's folder, include/, src/" if inc.text.startswith('"') else \
            "include/, src/"
        same_name = sorted(p for p in names.get(os.path.basename(inc.text[1:-1]), ())
                           if p.endswith(inc.text[1:-1]))
        hint = f"; found only as {', '.join(same_name)}" if same_name else ""
        return Finding(rel, inc.line, f"cannot resolve {inc.text} (looked in {where}){hint}; "
                                      f"include contracts as \"crescendo/<layer>/...\"")
    kind, layer = owner_of(inc.resolved)
    if kind == "contract":
        if layer in rules.contracts:
            return None
        why = "not a declared layer" if layer not in layers else \
            f"not in the dependencies of {rules.who}"
        return Finding(rel, inc.line, f"includes {inc.text}, a contract of layer '{layer}' "
                                      f"({why}); {rules.allowed()}")
    if kind == "private":
        in_contract = rel.startswith("include/")
        if (layer == rules.layer or layer in rules.white_box) and not in_contract:
            return None
        why = ("a contract may not include a private header: src/ is PRIVATE to the library, "
               "so its users cannot see it") if in_contract else \
            f"only layer '{layer}' may include src/{layer}/"
        return Finding(rel, inc.line, f"includes {inc.text}, a private header of layer "
                                      f"'{layer}' ({inc.resolved}); {why}; {rules.allowed()}")
    if rules.home and (inc.resolved + "/").startswith(rules.home + "/"):
        return None
    if os.path.dirname(inc.resolved) in rules.shared:
        return None
    return Finding(rel, inc.line, f"includes {inc.text} ({inc.resolved}), which is neither a "
                                  f"contract nor a file of its own folder; {rules.allowed()}")


def test_only_headers(layer_files, includes):
    """The headers of one layer's src/ that only its test and benchmark files include."""
    headers = {f for f in layer_files if f.endswith(HEADER_EXTENSIONS) and f.startswith("src/")}
    includers = {h: set() for h in headers}
    for f in layer_files:
        for inc in includes[f]:
            if inc.resolved in includers:
                includers[inc.resolved].add(f)
    test_only = {h for h in headers if includers[h]}
    changed = True
    while changed:
        changed = False
        for h in sorted(test_only):
            if any(not TEST_FILE.search(f) and f not in test_only for f in includers[h]):
                test_only.discard(h)
                changed = True
    return test_only


def rules_for_executable_files(root, executables, closure, findings):
    """Returns {file: Rules} for the sources under app/ and tests/."""
    by_file, out = {}, {}
    for exe in executables:
        for source in exe.sources:
            by_file.setdefault(source, []).append(exe)
    folders = {}
    for exe in executables:
        folders.setdefault(exe.folder, []).append(exe)
    reported = set()
    for top in ("app", "tests"):
        for rel in _sources(root, top):
            exes = by_file.get(rel)
            if not exes:
                folder = os.path.dirname(rel)
                while folder and folder not in folders:
                    folder = os.path.dirname(folder)
                exes = folders.get(folder)
            if exes:
                out[rel] = executable_rules(exes, closure)
            elif os.path.dirname(rel) not in reported:
                reported.add(os.path.dirname(rel))
                findings.append(Finding(os.path.dirname(rel), 0,
                                        "folder has sources but no CMakeLists.txt above it "
                                        "declares an executable; add one with add_executable and "
                                        "target_link_libraries"))
    return out


def check(root):
    """Returns the findings for the tree at `root`, sorted."""
    findings = []
    layers = read_layers(root, findings)
    executables = read_executables(root)
    closure = check_graph(layers, executables, findings)
    unknown_folders(root, layers, findings)

    rules = rules_for_executable_files(root, executables, closure, findings)
    includes = {rel: read_includes(root, rel) for rel in rules}
    for name, layer in sorted(layers.items()):
        files = [*_sources(root, f"src/{name}"), *_sources(root, f"include/crescendo/{name}")]
        includes.update({f: read_includes(root, f) for f in files})
        test_only = test_only_headers(files, includes)
        for f in files:
            rules[f] = layer_rules(layer, closure, bool(TEST_FILE.search(f)) or f in test_only)
    names = {}
    for top in ("include", "src", "app", "tests"):
        for rel in _sources(root, top):
            names.setdefault(os.path.basename(rel), []).append(rel)
    for rel in sorted(rules):
        for inc in includes[rel]:
            finding = check_include(rel, inc, rules[rel], layers, names)
            if finding:
                findings.append(finding)
    return sorted(set(findings))


# ---------------------------------------------------------------------------------------------
# Self-test


FAKE_TREE = {
    "src/base/CMakeLists.txt": "crescendo_layer(NAME base DEPS fmt::fmt)\n",
    "src/model/CMakeLists.txt": "# the value types\ncrescendo_layer(NAME model\n"
                                "  DEPS crescendo::base)  # ) in a comment\n",
    "src/horizontal/CMakeLists.txt": "crescendo_layer(NAME horizontal DEPS crescendo::model)\n",
    "src/vertical/CMakeLists.txt":
        "crescendo_layer(NAME vertical DEPS crescendo::model yaml-cpp)\n",
    "src/engine/CMakeLists.txt":
        "crescendo_layer(NAME engine DEPS crescendo::horizontal crescendo::vertical)\n",
    "src/sim/CMakeLists.txt": "crescendo_layer(NAME sim DEPS crescendo::engine)\n",
    "src/cli/CMakeLists.txt": "crescendo_layer(NAME cli DEPS crescendo::engine\n"
                              "                TEST_DEPS crescendo::sim)\n",
    "app/CMakeLists.txt": "add_executable(crescendo main.cc)\n"
                          "target_link_libraries(crescendo PRIVATE crescendo::cli)\n",
    "tests/integration/metrics/CMakeLists.txt":
        "add_executable(metrics_it\n  server.cc\n  metrics_it_test.cc)\n"
        "target_link_libraries(metrics_it PRIVATE crescendo::model GTest::gtest_main)\n",
    "include/crescendo/base/status.h": "#pragma once\n#include <string>\n",
    "include/crescendo/model/ids.h": '#include "crescendo/base/status.h"\n',
    "include/crescendo/horizontal/recommender.h": '#include "crescendo/model/ids.h"\n',
    "include/crescendo/vertical/histogram.h": '#include "../model/ids.h"\n',
    "include/crescendo/engine/engine.h": '#include "crescendo/horizontal/recommender.h"\n',
    "include/crescendo/sim/world.h": '#include "crescendo/engine/engine.h"\n',
    "include/crescendo/cli/cli.h": '#include "crescendo/base/status.h"\n',
    "src/base/status.cc": '#include "crescendo/base/status.h"\n#include <vector>\n',
    "src/horizontal/kubernetes/evaluation.h": '#include "crescendo/model/ids.h"\n',
    "src/horizontal/service_model.h": "#pragma once\n",
    "src/horizontal/kubernetes/evaluation.cc":
        '#include "horizontal/kubernetes/evaluation.h"\n#include "../service_model.h"\n',
    "src/horizontal/recommender.cc":
        '#include "crescendo/horizontal/recommender.h"\n#include "service_model.h"\n'
        '/* Not an include, a comment:\n#include "crescendo/vertical/histogram.h"\n*/\n'
        '// #include "crescendo/sim/world.h"\n',
    "src/engine/engine.cc": '#include "crescendo/engine/engine.h"\n'
                            '#include "crescendo/base/status.h"\n'
                            '#include <crescendo/vertical/histogram.h>\n',
    "src/cli/cli.cc": '#include "crescendo/cli/cli.h"\n#include "crescendo/engine/engine.h"\n',
    "src/cli/sim_fixture.h": '#include "crescendo/sim/world.h"\n',
    "src/cli/cli_test.cc": '#include "sim_fixture.h"\n#include "crescendo/cli/cli.h"\n',
    "app/main.cc":
        '#include "crescendo/cli/cli.h"\n#include "crescendo/horizontal/recommender.h"\n',
    "tests/integration/metrics/server.h": '#include "crescendo/model/ids.h"\n',
    "tests/integration/metrics/server.cc": '#include "server.h"\n',
    "tests/integration/metrics/metrics_it_test.cc":
        '#include "server.h"\n#include <gtest/gtest.h>\n',
    "tests/integration/resume/CMakeLists.txt": "add_test(NAME resume COMMAND bash run.sh)\n",
}

# Each case: files to add or replace, and the findings expected (path:line and a fragment).
SELF_TEST_CASES = [
    ("a forbidden contract: a peer not in the layer's DEPS",
     {"src/horizontal/bad.cc": '#include "crescendo/model/ids.h"\n'
                               '#include "crescendo/vertical/histogram.h"\n'},
     [("src/horizontal/bad.cc:2", "a contract of layer 'vertical'")]),
    ("a contract follows its layer's rules",
     {"include/crescendo/model/bad.h": '#include "crescendo/engine/engine.h"\n'},
     [("include/crescendo/model/bad.h:1", "a contract of layer 'engine'")]),
    ("the private header of another layer, from a layer that may use its contract",
     {"src/engine/bad.cc": '#include "horizontal/kubernetes/evaluation.h"\n'},
     [("src/engine/bad.cc:1", "private header of layer 'horizontal'")]),
    ("app may not include a layer's src/",
     {"app/main.cc": '#include "crescendo/cli/cli.h"\n#include "cli/cli_impl.h"\n',
      "src/cli/cli_impl.h": "#pragma once\n"},
     [("app/main.cc:2", "private header of layer 'cli'")]),
    ("a contract may not include a private header, even of its own layer",
     {"include/crescendo/horizontal/leak.h": '#include "horizontal/service_model.h"\n'},
     [("include/crescendo/horizontal/leak.h:1", "a contract may not include a private header")]),
    ("TEST_DEPS are for test files only",
     {"src/cli/run.cc": '#include "crescendo/sim/world.h"\n'},
     [("src/cli/run.cc:1", "a contract of layer 'sim'")]),
    ("a header used by a library file follows the library's rules",
     {"src/cli/run.cc": '#include "sim_fixture.h"\n'},
     [("src/cli/sim_fixture.h:1", "a contract of layer 'sim'")]),
    ("an integration test may use only what its target links",
     {"tests/integration/metrics/metrics_it_test.cc": '#include "crescendo/engine/engine.h"\n'},
     [("tests/integration/metrics/metrics_it_test.cc:1", "a contract of layer 'engine'")]),
    ("crescendo_white_box lets a test include the private headers of a layer it links",
     {"tests/integration/metrics/CMakeLists.txt":
          "add_executable(metrics_it\n  server.cc\n  metrics_it_test.cc)\n"
          "target_link_libraries(metrics_it PRIVATE crescendo::horizontal GTest::gtest_main)\n"
          "crescendo_white_box(metrics_it horizontal)\n",
      "tests/integration/metrics/metrics_it_test.cc":
          '#include "horizontal/service_model.h"\n#include "horizontal/kubernetes/evaluation.h"\n'},
     []),
    ("crescendo_white_box reaches only the layers it names, and only linked ones",
     {"tests/integration/metrics/CMakeLists.txt":
          "add_executable(metrics_it\n  server.cc\n  metrics_it_test.cc)\n"
          "target_link_libraries(metrics_it PRIVATE crescendo::engine GTest::gtest_main)\n"
          "crescendo_white_box(metrics_it horizontal cli)\n",
      "tests/integration/metrics/metrics_it_test.cc":
          '#include "horizontal/service_model.h"\n#include "cli/cli_impl.h"\n',
      "src/cli/cli_impl.h": "#pragma once\n"},
     [("tests/integration/metrics/metrics_it_test.cc:1", "private header of layer 'horizontal'"),
      ("tests/integration/metrics/metrics_it_test.cc:2", "private header of layer 'cli'")]),
    ("a test may include the headers of another test folder whose sources it builds",
     {"tests/integration/kubernetes/CMakeLists.txt":
          "add_executable(k8s_it k8s_it_test.cc ../metrics/server.cc)\n"
          "target_link_libraries(k8s_it PRIVATE crescendo::model)\n",
      "tests/integration/kubernetes/k8s_it_test.cc":
          '#include "../metrics/server.h"\n#include "../metrics/other.h"\n',
      "tests/integration/metrics/other.h": "#pragma once\n"},
     []),
    ("a test may not include the headers of another test folder it builds nothing from",
     {"tests/integration/kubernetes/CMakeLists.txt":
          "add_executable(k8s_it k8s_it_test.cc)\n"
          "target_link_libraries(k8s_it PRIVATE crescendo::model)\n",
      "tests/integration/kubernetes/k8s_it_test.cc": '#include "../metrics/server.h"\n'},
     [("tests/integration/kubernetes/k8s_it_test.cc:1", "neither a contract nor a file")]),
    ("a layer may not include the files of a test folder",
     {"src/engine/bad.cc": '#include "../../tests/integration/metrics/server.h"\n'},
     [("src/engine/bad.cc:1", "neither a contract nor a file of its own folder")]),
    ("an unknown folder under src/",
     {"src/testing/fakes.h": '#include "crescendo/model/ids.h"\n'},
     [("src/testing", "folder is not a declared layer")]),
    ("an unknown folder under include/crescendo/",
     {"include/crescendo/store/store.h": "#pragma once\n"},
     [("include/crescendo/store", "folder is not a declared layer")]),
    ("sources under tests/ that no executable builds",
     {"tests/orphan/thing.cc": "int x;\n"},
     [("tests/orphan", "no CMakeLists.txt above it declares an executable")]),
    ("an include that resolves nowhere",
     {"src/engine/bad.cc": '#include "crescendo/engine/missing.h"\n#include "nowhere.h"\n'},
     [("src/engine/bad.cc:1", 'cannot resolve "crescendo/engine/missing.h"'),
      ("src/engine/bad.cc:2", 'cannot resolve "nowhere.h"')]),
    ("a bare include of another layer's private header does not resolve, and says where it is",
     {"src/engine/bad.cc": '#include "service_model.h"\n'},
     [("src/engine/bad.cc:1", "found only as src/horizontal/service_model.h")]),
    ("a dependency cycle",
     {"src/model/CMakeLists.txt": "crescendo_layer(NAME model DEPS crescendo::base\n"
                                  "  crescendo::engine)\n"},
     [("src/engine/CMakeLists.txt:1",
       "dependency cycle: engine -> horizontal -> model -> engine")]),
    ("a layer that depends on itself",
     {"src/vertical/CMakeLists.txt":
          "crescendo_layer(NAME vertical DEPS crescendo::model crescendo::vertical)\n"},
     [("src/vertical/CMakeLists.txt:1", "dependency cycle: vertical -> vertical")]),
    ("a link to a layer that does not exist",
     {"src/sim/CMakeLists.txt":
          "crescendo_layer(NAME sim DEPS crescendo::engine crescendo::gui)\n"},
     [("src/sim/CMakeLists.txt:1", "links crescendo::gui, which is not a declared layer")]),
    ("a layer's NAME must be its folder",
     {"src/store/CMakeLists.txt": "crescendo_layer(NAME storage DEPS crescendo::model)\n",
      "src/store/store.cc": '#include "crescendo/model/ids.h"\n'},
     [("src/store/CMakeLists.txt:1", "crescendo_layer(NAME storage) in folder src/store"),
      ("src/store", "folder is not a declared layer")]),
]


def _write_tree(root, files):
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def _matches(findings, expected):
    """Returns the expected (where, fragment) pairs missing and the findings not expected."""
    missing = [e for e in expected
               if not any(f"{f.path}:{f.line}" == e[0] or (f.line == 0 and f.path == e[0])
                          for f in findings if e[1] in f.message)]
    extra = [f for f in findings
             if not any((f"{f.path}:{f.line}" == e[0] or (f.line == 0 and f.path == e[0]))
                        and e[1] in f.message for e in expected)]
    return missing, extra


def _check_case(files, allowlist=None):
    """Checks FAKE_TREE with `files` added or replaced; returns (findings, accepted)."""
    with tempfile.TemporaryDirectory() as root:
        _write_tree(root, {**FAKE_TREE, **files})
        findings, accepted = check(root), 0
        if allowlist is not None:
            _write_tree(root, {"allow.txt": allowlist})
            entries, problems = read_allowlist(os.path.join(root, "allow.txt"), "allow.txt")
            findings, accepted = apply_allowlist(findings, entries, "allow.txt")
            findings += problems
    return findings, accepted


def self_test():
    failures = []
    clean, _ = _check_case({})
    if clean:
        failures.append("allowed includes were reported: " + "; ".join(map(str, clean)))
    for title, files, expected in SELF_TEST_CASES:
        missing, extra = _matches(_check_case(files)[0], expected)
        if missing or extra:
            failures.append(f"{title}: missing {missing}; unexpected {[str(f) for f in extra]}")
    # An allowlist accepts what it names; a stale or reasonless entry is itself a finding.
    findings, accepted = _check_case(
        {"src/horizontal/bad.cc": '#include "crescendo/vertical/histogram.h"\n',
         "src/testing/fakes.h": "#pragma once\n"},
        "# accepted for now\n"
        "src/horizontal/bad.cc:1  moves with the vertical split\n"
        "src/testing\tbecomes a layer next\n"
        "src/engine/gone.cc:3  fixed long ago\n"
        "src/engine/engine.cc\n")
    missing, extra = _matches(findings, [
        ("allow.txt:4", "'src/engine/gone.cc:3' matches no finding"),
        ("allow.txt:5", "is not 'path[:line] reason'")])
    if accepted != 2 or missing or extra:
        failures.append(f"allowlist: accepted {accepted} (want 2); missing {missing}; "
                        f"unexpected {[str(f) for f in extra]}")
    for failure in failures:
        print(f"self-test FAILED: {failure}")
    if failures:
        return 1
    print(f"self-test: {len(SELF_TEST_CASES) + 2} checks passed (allowed includes pass; "
          f"forbidden contracts, private headers of other layers, unknown folders, unresolved "
          f"includes, cycles and stale allowlist entries are caught)")
    return 0


# ---------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--root", default=".", help="the repository to check")
    parser.add_argument("--allow", metavar="FILE",
                        help="accepted findings, one 'path[:line] reason' a line")
    parser.add_argument("--self-test", action="store_true", help="prove the rules on a fake tree")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    if not os.path.isdir(os.path.join(args.root, "src")):
        print(f"check_layering: no src/ under {args.root}; --root must be the repository",
              file=sys.stderr)
        return 2
    findings = check(args.root)
    accepted, display = 0, args.allow
    if args.allow:
        if not os.path.isfile(args.allow):
            print(f"check_layering: no allowlist at {args.allow}", file=sys.stderr)
            return 2
        display = _rel(os.path.abspath(args.allow), os.path.abspath(args.root))
        entries, problems = read_allowlist(args.allow, display)
        findings, accepted = apply_allowlist(findings, entries, display)
        findings += problems
    for finding in findings:
        print(finding)
    note = f" ({accepted} accepted by {display})" if accepted else ""
    if findings:
        print(f"{len(findings)} layering finding(s){note}; see ARCHITECTURE.md, \"Layers\"")
        return 1
    print(f"layering: ok{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
