#!/usr/bin/env python3
"""Where each part of schema.graphql comes from: the GraphQL documents of the real wandb SDK.

The backend's schema holds only what a released SDK asks of the W&B server: every type, field and
input field has a description naming the SDK sources (`<version> <path>`, the path inside the
installed `wandb` package, or `wandb-core#<Operation>` for an operation of the SDK's wandb-core
binary) whose documents select it. This script reads those documents out of installed SDKs (never
copying them anywhere) and checks the schema against them:

  schema_evidence.py [--schema FILE] notes             every type and field has a note of the right
                                                       form (no SDK needed)
  schema_evidence.py [--only-given] check SITE...      each note's source really selects that field
  schema_evidence.py suggest SITE...     the notes each field could carry
  schema_evidence.py write SITE...       rewrite schema.graphql with notes (valid ones kept)
  schema_evidence.py documents SITE...   the operations found, by source
  schema_evidence.py validate DIR...     each GraphQL document in the Python files under DIR (the
                                         action's bridge) validated against the schema, one JSON line
                                         each: errors against schema.graphql, and against it with
                                         schema-unverified.graphql

SITE is an SDK's site-packages folder (the one holding `wandb/`); its version is read from it.
A note naming a version none of the given SITEs has is reported, not passed (with --only-given it
is left unchecked: the other notes are still checked, and every field keeps at least one note).
"""

from __future__ import annotations

import ast
import json
import os
import re
import sys

import graphql

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA_FILE = os.path.join(HERE, "schema.graphql")
UNVERIFIED_FILE = os.path.join(HERE, "schema-unverified.graphql")
NOTE_RE = re.compile(r"^(\d+\.\d+\.\d+) (wandb/[\w/.-]+\.py|wandb-core#\w+)$")
SKIP_DIRS = ("vendor", "__pycache__", "proto", "tests")
GQL_WORDS = re.compile(r"\b(query|mutation|fragment)\b|^\s*\{", re.M)


# ---- the SDK's documents ------------------------------------------------------

def sdk_version(site):
    text = open(os.path.join(site, "wandb", "__init__.py"), encoding="utf-8").read()
    m = re.search(r"^__version__\s*=\s*['\"]([^'\"]+)['\"]", text, re.M)
    if not m:
        raise SystemExit(f"no __version__ in {site}/wandb/__init__.py")
    return m.group(1)


def _candidates(text):
    """The strings of a Python source that may be GraphQL: as written, with Python's formatting
    placeholders taken out (f-strings, %-formatting), and a `"...{}...".format(x)` template with
    each identifier-like string of its function in the placeholders (`node = "history" if ...`)."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            s = node.value
            if "{" in s and GQL_WORDS.search(s):
                yield s
                yield re.sub(r"\{[A-Za-z_]*\}", "", s).replace("{{", "{").replace("}}", "}").replace("%s", "")
        elif isinstance(node, ast.JoinedStr):
            for fill in ("", "__placeholder__"):
                s = "".join(v.value if isinstance(v, ast.Constant) else fill for v in node.values)
                if "{" in s and GQL_WORDS.search(s):
                    yield re.sub(r"^\s*__placeholder__\s*$", "", re.sub(r"\(\s*\)", "", s), flags=re.M)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            words = {c.value for c in ast.walk(node) if isinstance(c, ast.Constant) and isinstance(c.value, str)
                     and re.fullmatch(r"[A-Za-z_]\w*", c.value)}
            for call in ast.walk(node):
                template = getattr(getattr(call, "func", None), "value", None)
                if not (isinstance(call, ast.Call) and getattr(call.func, "attr", None) == "format"
                        and isinstance(template, ast.Constant) and isinstance(template.value, str)
                        and GQL_WORDS.search(template.value)):
                    continue
                for word in sorted(words):
                    filled = re.sub(r"\{[A-Za-z_]*\}", word, template.value.replace("{{", "\0").replace("}}", "\1"))
                    yield filled.replace("\0", "{").replace("\1", "}")


def _parsed(text):
    try:
        return graphql.parse(text, no_location=True)
    except graphql.GraphQLError:
        return None


def python_documents(site, root=None):
    """(path, document) for every GraphQL document in the SDK's Python sources (or those under root)."""
    root = root or os.path.join(site, "wandb")
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            full = os.path.join(folder, name)
            rel = os.path.relpath(full, site if root is None or site else root).replace(os.sep, "/")
            text = open(full, encoding="utf-8", errors="replace").read()
            if not GQL_WORDS.search(text):
                continue
            seen = set()
            for candidate in _candidates(text):
                doc = _parsed(candidate)
                if doc is not None and candidate not in seen:
                    seen.add(candidate)
                    yield rel, doc


def _balanced_end(data, start):
    depth = 0
    for i in range(start, len(data)):
        c = data[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
    return None


def core_documents(site):
    """(wandb-core#Operation, document) for the operations compiled into the SDK's wandb-core."""
    binary = os.path.join(site, "wandb", "bin", "wandb-core")
    if not os.path.exists(binary):
        return
    data = open(binary, "rb").read().decode("latin-1")
    fragments = {}
    operations = []
    for m in re.finditer(r"(query|mutation|fragment) ([A-Za-z_]\w*)[\s(]", data):
        end = _balanced_end(data, data.find("{", m.start()))
        if end is None or end - m.start() > 20000:
            continue
        doc = _parsed(data[m.start():end])
        if doc is None:
            continue
        (definition,) = doc.definitions
        if isinstance(definition, graphql.FragmentDefinitionNode):
            fragments[definition.name.value] = definition
        else:
            operations.append(definition)
    names = set()
    for op in operations:
        name = op.name.value
        if name in names:
            continue
        names.add(name)
        used = _spreads(op, fragments)
        yield f"wandb-core#{name}", graphql.DocumentNode(definitions=(op, *[fragments[f] for f in sorted(used)]))


def _spreads(node, fragments, seen=None):
    seen = set() if seen is None else seen

    class Spreads(graphql.Visitor):
        def enter_fragment_spread(self, spread, *_):
            name = spread.name.value
            if name in fragments and name not in seen:
                seen.add(name)
                _spreads(fragments[name], fragments, seen)

    graphql.visit(node, Spreads())
    return seen


def sdk_documents(sites):
    """{version: [(source, document)]}."""
    out = {}
    for site in sites:
        version = sdk_version(site)
        docs = out.setdefault(version, [])
        docs.extend(python_documents(site))
        docs.extend(core_documents(site))
    return out


# ---- what the documents select, seen through the schema ----------------------

def selections(schema, document):
    """The schema's coordinates a document selects: Type, Type.field, Type.field(arg:),
    InputType.field (in literal input values)."""
    found = set()
    info = graphql.TypeInfo(schema)

    class Collect(graphql.Visitor):
        def enter_field(self, node, *_):
            parent = info.get_parent_type()
            field = info.get_field_def()
            if parent is not None and field is not None and not node.name.value.startswith("__"):
                # a field selected on an interface is the field of each type implementing it
                for owner in [parent, *(schema.get_possible_types(parent) if graphql.is_abstract_type(parent) else [])]:
                    found.add(owner.name)
                    found.add(f"{owner.name}.{node.name.value}")
                found.add(graphql.get_named_type(field.type).name)
            if node.name.value == "__type":  # a probe of the type, by name
                for arg in node.arguments:
                    if arg.name.value == "name" and isinstance(arg.value, graphql.StringValueNode):
                        found.add(arg.value.value)

        def enter_argument(self, node, *_):
            parent = info.get_parent_type()
            field = info.get_field_def()
            argument = info.get_argument()
            if parent is not None and getattr(field, "ast_node", None) is not None and argument is not None:
                for owner in [parent, *(schema.get_possible_types(parent) if graphql.is_abstract_type(parent) else [])]:
                    found.add(f"{owner.name}.{field.ast_node.name.value}({node.name.value}:)")
                found.add(graphql.get_named_type(argument.type).name)

        def enter_object_field(self, node, *_):
            parent = graphql.get_named_type(info.get_parent_input_type())
            if parent is not None and info.get_input_type() is not None:
                found.add(parent.name)
                found.add(f"{parent.name}.{node.name.value}")

        def enter_inline_fragment(self, node, *_):
            if node.type_condition is not None:
                found.add(node.type_condition.name.value)

        def enter_fragment_definition(self, node, *_):
            found.add(node.type_condition.name.value)

        def enter_variable_definition(self, node, *_):
            named = node.type
            while not isinstance(named, graphql.NamedTypeNode):
                named = named.type
            found.add(named.name.value)

    graphql.visit(document, graphql.TypeInfoVisitor(info, Collect()))
    return found


def source_text(site, source):
    if source.startswith("wandb-core#"):
        return None
    return open(os.path.join(site, source), encoding="utf-8", errors="replace").read()


def evidence(schema, sites):
    """{coordinate: {(version, source)}}, for coordinates of the schema. An input object's fields
    given through a variable are not in the document: they count where the source that declares
    a variable of that input type names the field."""
    out = {}
    site_of = {sdk_version(site): site for site in sites}
    for version, docs in sdk_documents(sites).items():
        for source, doc in docs:
            picked = selections(schema, doc)
            for coordinate in picked:
                out.setdefault(coordinate, set()).add((version, source))
            for name in picked:
                t = schema.type_map.get(name)
                if not isinstance(t, graphql.GraphQLInputObjectType):
                    continue
                text = source_text(site_of[version], source)
                core = source.startswith("wandb-core#")
                for field in t.fields:
                    # wandb-core's inputs are Go structs: their JSON names are in the binary
                    if (core and _in_core(site_of[version], field)) or (text and re.search(rf"[\"']{field}[\"']|\b{field}\s*:", text)):
                        out.setdefault(f"{name}.{field}", set()).add((version, source))
    return out


_core_cache = {}


def _in_core(site, word):
    if site not in _core_cache:
        _core_cache[site] = open(os.path.join(site, "wandb", "bin", "wandb-core"), "rb").read()
    return f'json:"{word}"'.encode() in _core_cache[site]


# ---- the schema's notes -------------------------------------------------------

def schema():
    return graphql.build_schema(open(SCHEMA_FILE, encoding="utf-8").read())


def own_types(s):
    return [t for name, t in sorted(s.type_map.items())
            if not name.startswith("__") and not graphql.is_specified_scalar_type(t)]


def coordinates(s):
    """(coordinate, description) of every type, field and input field of the schema."""
    for t in own_types(s):
        yield t.name, t.description
        for name, field in sorted(getattr(t, "fields", {}).items()):
            yield f"{t.name}.{name}", field.description


def parse_note(description):
    if not description:
        return None
    notes = [n.strip() for n in description.split(";")]
    if not notes or any(not NOTE_RE.match(n) for n in notes):
        return None
    return [tuple(n.split(" ", 1)) for n in notes]


def check_notes(s):
    problems = []
    for coordinate, description in coordinates(s):
        if parse_note(description) is None:
            problems.append(f"{coordinate}: its description must be '<version> <source>' notes separated by '; ' "
                            f"(got {description!r})")
    # the unverified additions: each says why it is believed, and none is in the SDK-backed schema
    document = graphql.parse(open(UNVERIFIED_FILE, encoding="utf-8").read())
    for definition in document.definitions:
        parts = [(definition.name.value, getattr(definition, "description", None))]
        parts += [(f"{definition.name.value}.{f.name.value}", f.description) for f in definition.fields or []]
        for coordinate, description in parts:
            if isinstance(definition, graphql.ObjectTypeExtensionNode) and coordinate == definition.name.value:
                continue
            if description is None or not description.value.startswith("unverified: "):
                problems.append(f"{coordinate} ({os.path.basename(UNVERIFIED_FILE)}): its description must start "
                                "'unverified: ' and say why the field is believed to exist")
            if "." in coordinate and coordinate.split(".")[0] in s.type_map and \
                    coordinate.split(".")[1] in getattr(s.type_map[coordinate.split(".")[0]], "fields", {}):
                problems.append(f"{coordinate} is in {os.path.basename(SCHEMA_FILE)} as well")
    return problems


def check_evidence(s, sites, only_given=False):
    versions = {sdk_version(site) for site in sites}
    found = evidence(s, sites)
    problems = check_notes(s)
    checked = 0
    for coordinate, description in coordinates(s):
        for version, source in parse_note(description) or []:
            if version not in versions:
                if only_given:
                    continue
                problems.append(f"{coordinate}: noted in {version} {source}, but no SDK {version} was given to check it")
                continue
            checked += 1
            if (version, source) not in found.get(coordinate, set()):
                problems.append(f"{coordinate}: {version} {source} does not select it")
    # arguments: each one is used by some SDK document
    for t in own_types(s):
        for fname, field in sorted(getattr(t, "fields", {}).items()):
            unchecked = only_given and any(v not in versions for v, _ in parse_note(field.description) or [])
            for arg in getattr(field, "args", {}) or {}:
                if not found.get(f"{t.name}.{fname}({arg}:)") and not unchecked:
                    problems.append(f"{t.name}.{fname}({arg}:): no SDK document given passes this argument")
    return problems, checked


def suggest(s, sites):
    found = evidence(s, sites)
    for coordinate, _ in coordinates(s):
        notes = sorted(found.get(coordinate, set()), key=lambda vs: (vs[1], vs[0]))
        print(f"{coordinate}\t{'; '.join(f'{v} {p}' for v, p in notes) or '-'}")


HEADER = """\
# The W&B server's GraphQL schema as far as the real wandb SDK shows it: only the types, fields,
# arguments and input fields that a released SDK's own documents use. Each description names the
# SDK sources that use it (`<version> <path in the wandb package>`, or `wandb-core#<Operation>`
# for an operation compiled into the SDK's wandb-core). Field types are the backend's choice where
# the SDK does not show them. Notes are written and checked by schema_evidence.py beside this file.

"""


def write(s, sites, per_version=1):
    """schema.graphql again, each note kept where it still holds, else the first source of each
    SDK version (Python sources before wandb-core)."""
    found = evidence(s, sites)
    for coordinate, description in coordinates(s):
        have = found.get(coordinate, set())
        kept = [n for n in parse_note(description) or [] if n in have]
        for version in sorted({v for v, _ in have}, key=lambda v: tuple(int(x) for x in v.split("."))):
            if any(v == version for v, _ in kept):
                continue
            sources = sorted((src for v, src in have if v == version), key=lambda x: (x.startswith("wandb-core#"), x))
            kept.extend((version, src) for src in sources[:per_version])
        target = s.type_map[coordinate] if "." not in coordinate else \
            s.type_map[coordinate.split(".")[0]].fields[coordinate.split(".")[1]]
        target.description = "; ".join(f"{v} {src}" for v, src in kept) or None
    with open(SCHEMA_FILE, "w", encoding="utf-8") as f:
        f.write(HEADER + graphql.print_schema(s) + "\n")


def validate(folders):
    import gqlschema

    strict, unverified = gqlschema.load_schema(), gqlschema.load_schema(unverified=True)
    for folder in folders:
        for source, doc in python_documents(folder, folder):
            ops = [d.name.value if d.name else "<anonymous>" for d in doc.definitions
                   if isinstance(d, graphql.OperationDefinitionNode)]
            if not ops:
                continue  # a fragment on its own, or text that only parses as GraphQL
            print(json.dumps({
                "source": os.path.join(folder, source).replace(os.sep, "/"), "operations": ops,
                "errors": [gqlschema.quoted(e.message) for e in graphql.validate(strict, doc)],
                "errors_with_unverified": [gqlschema.quoted(e.message) for e in graphql.validate(unverified, doc)],
            }))


def main(argv):
    global SCHEMA_FILE
    only_given = False
    while argv and argv[0].startswith("--"):
        if argv[0] == "--schema" and len(argv) > 1:  # another copy of the schema (the tests)
            SCHEMA_FILE, argv = argv[1], argv[2:]
        elif argv[0] == "--only-given":  # notes of SDK versions not given are left unchecked
            only_given, argv = True, argv[1:]
        else:
            print(f"unknown option {argv[0]}", file=sys.stderr)
            return 2
    if argv and argv[0] == "validate":
        validate(argv[1:])
        return 0
    if not argv or argv[0] not in ("notes", "check", "suggest", "documents", "write"):
        print(__doc__, file=sys.stderr)
        return 2
    command, sites = argv[0], argv[1:]
    if command != "notes" and not sites:
        print(f"{command}: name at least one SDK site-packages folder", file=sys.stderr)
        return 2
    if command == "documents":
        for version, docs in sdk_documents(sites).items():
            for source, doc in docs:
                ops = [d.name.value if d.name else "<anonymous>" for d in doc.definitions
                       if isinstance(d, graphql.OperationDefinitionNode)]
                print(json.dumps({"version": version, "source": source, "operations": ops}))
        return 0
    s = schema()
    if command == "suggest":
        suggest(s, sites)
        return 0
    if command == "write":
        write(s, sites)
        return 0
    if command == "notes":
        problems, checked = check_notes(s), None
    else:
        problems, checked = check_evidence(s, sites, only_given)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} problem(s) in {os.path.basename(SCHEMA_FILE)}", file=sys.stderr)
        return 1
    count = sum(1 for _ in coordinates(s))
    print(f"{count} types and fields noted" + (f"; {checked} notes checked against the SDK sources" if checked else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
