"""The backend's GraphQL layer: every document is parsed and validated (graphql-core) against
schema.graphql beside this file, and refused as a GraphQL server refuses it; only a valid document
is executed, by the backend's resolvers.

An older W&B server is modelled by leaving fields out of the schema (`missing`): a document that
selects one is then refused with the error a server without the field gives."""

from __future__ import annotations

import os
import re
import threading

try:
    import graphql
except ImportError:  # npm test provides an interpreter that has it
    raise SystemExit("the test backend needs graphql-core 3.2 (pip install 'graphql-core>=3.2,<3.3')") from None

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA_FILE = os.path.join(HERE, "schema.graphql")
UNVERIFIED_FILE = os.path.join(HERE, "schema-unverified.graphql")
REMOVE = graphql.language.visitor.REMOVE


def _read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def schema_document(missing=(), unverified=False):
    """schema.graphql's document (with schema-unverified.graphql's fields if `unverified`), without
    the fields named `Type.field` in `missing`."""
    document = graphql.parse(_read(SCHEMA_FILE) + ("\n" + _read(UNVERIFIED_FILE) if unverified else ""))
    wanted = set(missing)
    if not wanted:
        return document
    found = set()

    class Without(graphql.Visitor):
        def leave(self, node, key, parent, path, ancestors):
            owner = ancestors[-1] if ancestors else None
            if not isinstance(node, (graphql.FieldDefinitionNode, graphql.InputValueDefinitionNode)) or \
                    not isinstance(owner, (graphql.ObjectTypeDefinitionNode, graphql.ObjectTypeExtensionNode,
                                           graphql.InputObjectTypeDefinitionNode)):
                return None  # an argument of a field stays
            name = f"{owner.name.value}.{node.name.value}"
            if name in wanted:
                found.add(name)
                return REMOVE
            return None

    document = graphql.visit(document, Without())
    unknown = sorted(wanted - found)
    if unknown:
        raise ValueError(f"not in the schema: {', '.join(unknown)}")
    return document


def load_schema(missing=(), unverified=False):
    return graphql.build_ast_schema(schema_document(missing, unverified))


def quoted(message):
    """graphql-core quotes names with '...'; GraphQL servers (graphql-js and the W&B server the SDK
    matches on, e.g. 'Cannot query field "runSpec" on type "PushToRunQueueByNamePayload"') with "...".
    """
    return re.sub(r"'([^'\s]*)'", r'"\1"', message)


def _formatted(error):
    out = {"message": quoted(error.message)}
    if error.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path:
        out["path"] = list(error.path)
    return out


def _resolve(source, info, **args):
    """Plain data: a dict's value, or a callable value called with the field's arguments."""
    if not isinstance(source, dict):
        return None
    value = source.get(info.field_name)
    return value(args) if callable(value) else value


class Schema:
    """The schema, and what it said of each document seen (a client sends the same few again and
    again: each is parsed and validated once)."""

    def __init__(self, missing=(), unverified=False):
        self.schema = load_schema(missing, unverified)
        self._checked = {}
        self._lock = threading.Lock()

    def check(self, query):
        with self._lock:
            known = self._checked.get(query)
        if known is not None:
            return known
        try:
            document = graphql.parse(query)
            errors = [_formatted(e) for e in graphql.validate(self.schema, document)]
        except graphql.GraphQLError as e:
            document, errors = None, [_formatted(e)]
        with self._lock:
            if len(self._checked) > 500:
                self._checked.clear()
            self._checked[query] = (document, errors)
        return document, errors


class Request:
    """One GraphQL request: its document checked against the schema, then executed."""

    def __init__(self, schema, body):
        self.schema = schema.schema
        self.query = body.get("query") or ""
        self.variables = body.get("variables") or {}
        self.operation_name = body.get("operationName") or None  # wandb-core sends "" for none
        self.document, self.errors = schema.check(self.query)
        self.operation = None if self.document is None else \
            graphql.utilities.get_operation_ast(self.document, self.operation_name)

    @property
    def kind(self):
        return self.operation.operation.value if self.operation else None

    @property
    def name(self):
        return self.operation.name.value if self.operation and self.operation.name else None

    def top_fields(self):
        """The operation's top-level field names (for the oplog)."""
        if self.operation is None:
            return []
        fragments = {d.name.value: d for d in self.document.definitions
                     if isinstance(d, graphql.FragmentDefinitionNode)}
        names = []

        def walk(selection_set):
            for sel in selection_set.selections:
                if isinstance(sel, graphql.FieldNode):
                    names.append(sel.name.value)
                elif isinstance(sel, graphql.FragmentSpreadNode) and sel.name.value in fragments:
                    walk(fragments[sel.name.value].selection_set)
                elif isinstance(sel, graphql.InlineFragmentNode):
                    walk(sel.selection_set)

        walk(self.operation.selection_set)
        return names

    def execute(self, root):
        """{"data": ..., "errors": [...]} of a valid document; root: the operation's root object."""
        result = graphql.execute(self.schema, self.document, root_value=root, variable_values=self.variables,
                                 operation_name=self.operation_name, field_resolver=_resolve)
        out = {"data": result.data}
        if result.errors:
            out["errors"] = [_formatted(e) for e in result.errors]
        return out
