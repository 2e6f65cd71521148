"""Query cost and depth limits, checked during validation, before any resolver runs.

Cost counts what reaches a backend: each product in a page, each variant list, each
availability and delivery lookup, multiplied by the page sizes above it (``first``,
taken from the variables when it is one). Depth stops pathological nesting
(category.products.node.category.products...) that cost alone prices too low.
Introspection fields are exempt from depth so GraphiQL's schema query passes.
"""

from __future__ import annotations

from typing import Any

from ariadne.validation.query_cost import CostValidator
from graphql import (
    ASTValidationRule,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    value_from_ast_untyped,
)

PAGE = {"complexity": 1, "multipliers": ["first"]}

COST_MAP: dict[str, dict[str, Any]] = {
    "Query": {
        "product": {"complexity": 1},
        "products": PAGE,
        "productsByIds": {"complexity": 1, "multipliers": ["ids"]},
        "categoryTree": {"complexity": 5},
        "category": {"complexity": 1},
        "brands": {"complexity": 5},
        "brand": {"complexity": 1},
    },
    "Product": {"variants": {"complexity": 1}, "brand": {"complexity": 1}},
    "ProductVariant": {"availability": {"complexity": 1}, "deliveryOptions": {"complexity": 2}},
    "ProductCategory": {"products": PAGE, "children": {"complexity": 1}},
    "ProductBrand": {"products": PAGE},
}


def depth_message(depth: int, limit: int) -> str:
    return f"The query exceeds the maximum depth of {limit}. Actual depth is {depth}"


def depth_limit_rule(limit: int) -> type[ValidationRule]:
    class DepthLimit(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            fragments = {
                d.name.value: d
                for d in self.context.document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            depth = _depth(node.selection_set, fragments, 0, frozenset())
            if depth > limit:
                self.report_error(
                    GraphQLError(
                        depth_message(depth, limit),
                        node,
                        extensions={
                            "code": "QUERY_TOO_DEEP",
                            "depth": {"requestedDepth": depth, "maximumDepth": limit},
                        },
                    )
                )

    return DepthLimit


def _depth(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    level: int,
    seen: frozenset[str],
) -> int:
    if selection_set is None:
        return level
    deepest = level
    for sel in selection_set.selections:
        node: Node = sel
        if isinstance(node, FieldNode):
            if node.name.value.startswith("__"):
                continue
            deepest = max(deepest, _depth(node.selection_set, fragments, level + 1, seen))
        elif isinstance(node, InlineFragmentNode):
            deepest = max(deepest, _depth(node.selection_set, fragments, level, seen))
        elif isinstance(node, FragmentSpreadNode):
            name = node.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:
                deepest = max(
                    deepest, _depth(fragment.selection_set, fragments, level, seen | {name})
                )
    return deepest


def cost_rule(max_cost: int, variables: dict[str, Any] | None) -> type[ASTValidationRule]:
    """ariadne's cost validator, with list arguments (``ids``) multiplying by their
    length: ariadne only multiplies by integers."""

    class CatalogCost(CostValidator):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context, max_cost, variables=variables, cost_map=COST_MAP)

        def get_multipliers_from_string(
            self, multipliers: list[str], field_args: dict[str, Any]
        ) -> list[int]:
            found: list[int] = []
            for name in multipliers:
                value = field_args.get(name)
                if isinstance(value, list | tuple):
                    found.append(len(value))
                elif isinstance(value, int) and not isinstance(value, bool):
                    found.append(value)
            return [m for m in found if m > 0]

    return CatalogCost


def with_defaults(
    operation: OperationDefinitionNode | None, variables: dict[str, Any] | None
) -> dict[str, Any]:
    """The variables as the operation will run with them: ``query($n: Int = 100)`` sent
    without ``n`` pages by 100, so its cost must count 100 (ariadne's validator sees only
    the values sent)."""
    given = dict(variables or {})
    for definition in operation.variable_definitions if operation is not None else ():
        name = definition.variable.name.value
        if name not in given and definition.default_value is not None:
            given[name] = value_from_ast_untyped(definition.default_value)
    return given


def limit_rules(
    max_cost: int, max_depth: int, variables: dict[str, Any] | None
) -> list[type[ASTValidationRule]]:
    return [cost_rule(max_cost, variables), depth_limit_rule(max_depth)]
