"""Which nodes ship which lines: fewest shipments, then earliest delivery, then distance.

Lines of one item are pooled into one demand. A demand that some node can cover whole
is never split; one that no node can cover alone is split over the fewest nodes.

Exactness: the fewest shipments come from a breadth-first search over the subsets of
whole demands that nodes cover (at most 2^10 states), and a branch-and-bound search then
picks, among covers of that size, the earliest and nearest one. Split demands join the
branch-and-bound with iterative deepening. Beyond the exact limits, or when the search
budget runs out before a cover is proven, a greedy cover answers and says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from shared.sourcing.model import Method

EXACT_MAX_LINES = 10
EXACT_MAX_NODES = 100
SEARCH_BUDGET = 20_000


@dataclass(frozen=True)
class Line:
    line_id: str
    item_id: str
    quantity: int


@dataclass(frozen=True)
class Candidate:
    node_id: str
    stock: Mapping[str, float]
    delivery: date
    distance: float
    priority: int = 0


@dataclass(frozen=True)
class Plan:
    shipments: tuple[tuple[str, dict[str, int]], ...]
    method: Method
    reason: str
    unavailable: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return len(self.shipments)


@dataclass
class _Demand:
    item_id: str
    lines: list[Line]
    total: int
    whole: list[int] = field(default_factory=list)


Key = tuple[int, date, float, int]


class _Problem:
    def __init__(self, demands: list[_Demand], nodes: Sequence[Candidate]) -> None:
        self.nodes = nodes
        self.normal = [d for d in demands if d.whole]
        self.split = [d for d in demands if not d.whole]
        self.full = (1 << len(self.normal)) - 1
        self.masks = [
            sum(1 << i for i, d in enumerate(self.normal) if n.stock.get(d.item_id, 0) >= d.total)
            for n in nodes
        ]
        self.gives = [
            tuple(min(int(n.stock.get(d.item_id, 0)), d.total) for d in self.split) for n in nodes
        ]
        order = sorted(range(len(nodes)), key=self.rank)
        self.covering = [
            [i for i in order if self.masks[i] >> b & 1] for b in range(len(self.normal))
        ]
        self.giving = [[i for i in order if self.gives[i][s] > 0] for s in range(len(self.split))]
        self.widest = max((m.bit_count() for m in self.masks), default=0)

    def rank(self, i: int) -> tuple[date, float, int, str]:
        n = self.nodes[i]
        return (n.delivery, n.distance, n.priority, n.node_id)

    def key(self, chosen: Sequence[int]) -> Key:
        ns = [self.nodes[i] for i in chosen]
        return (
            len(ns),
            max(n.delivery for n in ns),
            round(sum(n.distance for n in ns), 6),
            sum(n.priority for n in ns),
        )

    def fewest_for_whole(self) -> list[int] | None:
        """Breadth-first over covered masks: the smallest node set covering every whole
        demand (exact, at most 2^lines states)."""
        if self.full == 0:
            return []
        best_node: dict[int, int] = {}
        for i, m in enumerate(self.masks):
            if m and (m not in best_node or self.rank(i) < self.rank(best_node[m])):
                best_node[m] = i
        parent: dict[int, tuple[int, int]] = {0: (0, -1)}
        frontier = [0]
        while frontier and self.full not in parent:
            nxt: list[int] = []
            for state in frontier:
                for m, i in best_node.items():
                    new = state | m
                    if new not in parent:
                        parent[new] = (state, i)
                        nxt.append(new)
            frontier = nxt
        if self.full not in parent:
            return None
        chosen: list[int] = []
        state = self.full
        while state:
            state, i = parent[state]
            chosen.append(i)
        return chosen


class _Search:
    """Branch and bound over node sets of exactly ``k`` nodes, best key wins."""

    def __init__(self, problem: _Problem, budget: int) -> None:
        self.p = problem
        self.budget = budget
        self.best: list[int] | None = None
        self.best_key: Key | None = None
        self.seen: set[frozenset[int]] = set()
        self.exhausted = False

    def offer(self, chosen: list[int]) -> None:
        key = self.p.key(chosen)
        if self.best_key is None or key < self.best_key:
            self.best, self.best_key = list(chosen), key

    def run(self, k: int) -> None:
        need = tuple(d.total for d in self.p.split)
        self._dfs(k, [], 0, need)

    def _dfs(self, k: int, chosen: list[int], covered: int, need: tuple[int, ...]) -> None:
        if self.exhausted:
            return
        self.budget -= 1
        if self.budget < 0:
            self.exhausted = True
            return
        p = self.p
        if covered == p.full and not any(need):
            self.offer(chosen)
            return
        missing = (p.full & ~covered).bit_count()
        lower = max(-(-missing // p.widest) if missing and p.widest else 0, 1 if any(need) else 0)
        if len(chosen) + lower > k:
            return
        if chosen and self.best_key is not None and p.key(chosen)[1:3] >= self.best_key[1:3]:
            return
        options = self._branch(covered, need)
        for i in options:
            if i in chosen:
                continue
            nxt = frozenset((*chosen, i))
            if nxt in self.seen:
                continue
            self.seen.add(nxt)
            gives = p.gives[i]
            chosen.append(i)
            self._dfs(
                k,
                chosen,
                covered | p.masks[i],
                tuple(max(0, n - g) for n, g in zip(need, gives, strict=True)),
            )
            chosen.pop()

    def _branch(self, covered: int, need: tuple[int, ...]) -> list[int]:
        p = self.p
        groups = [p.covering[b] for b in range(len(p.normal)) if not covered >> b & 1]
        groups += [p.giving[s] for s, n in enumerate(need) if n]
        return min(groups, key=len) if groups else []


def _pool(lines: Sequence[Line], nodes: Sequence[Candidate]) -> tuple[list[_Demand], list[str]]:
    by_item: dict[str, _Demand] = {}
    for line in lines:
        d = by_item.setdefault(line.item_id, _Demand(line.item_id, [], 0))
        d.lines.append(line)
        d.total += line.quantity
    demands: list[_Demand] = []
    unavailable: list[str] = []
    for d in by_item.values():
        if sum(int(n.stock.get(d.item_id, 0)) for n in nodes) < d.total:
            unavailable.extend(line.line_id for line in d.lines)
            continue
        d.whole = [i for i, n in enumerate(nodes) if n.stock.get(d.item_id, 0) >= d.total]
        demands.append(d)
    return demands, unavailable


def _greedy(p: _Problem) -> list[int] | None:
    covered, need = 0, [d.total for d in p.split]
    chosen: list[int] = []
    while covered != p.full or any(need):
        gains = {
            i: (p.masks[i] & ~covered).bit_count() * 1_000_000
            + sum(min(g, n) for g, n in zip(p.gives[i], need, strict=True))
            for i in range(len(p.nodes))
            if i not in chosen
        }
        pool = [i for i, g in gains.items() if g > 0]
        if not pool:
            return None
        i = min(pool, key=lambda j: (-gains[j], p.rank(j)))
        chosen.append(i)
        covered |= p.masks[i]
        need = [max(0, n - g) for n, g in zip(need, p.gives[i], strict=True)]
    return chosen


def _materialise(p: _Problem, chosen: Sequence[int]) -> tuple[tuple[str, dict[str, int]], ...]:
    """Each whole demand to its best chosen node; split demands filled best node first."""
    picked = sorted(chosen, key=p.rank)
    out: dict[int, dict[str, int]] = {i: {} for i in picked}
    for b, d in enumerate(p.normal):
        i = next(i for i in picked if p.masks[i] >> b & 1)
        for line in d.lines:
            out[i][line.line_id] = line.quantity
    for s, d in enumerate(p.split):
        left = {line.line_id: line.quantity for line in d.lines}
        for i in picked:
            room = p.gives[i][s]
            for line_id, qty in left.items():
                take = min(room, qty)
                if take:
                    out[i][line_id] = out[i].get(line_id, 0) + take
                    left[line_id] -= take
                    room -= take
    return tuple((p.nodes[i].node_id, lines) for i, lines in out.items() if lines)


def plan_shipments(
    lines: Sequence[Line],
    nodes: Sequence[Candidate],
    *,
    budget: int = SEARCH_BUDGET,
    max_lines: int = EXACT_MAX_LINES,
    max_nodes: int = EXACT_MAX_NODES,
) -> Plan | None:
    """The best plan, or ``None`` when the available lines cannot be covered at all."""
    demands, unavailable = _pool(lines, nodes)
    p = _Problem(demands, nodes)
    missing = tuple(unavailable)
    if not demands:
        return Plan((), "EXACT", "no line can be served", missing)
    if len(lines) > max_lines or len(nodes) > max_nodes:
        chosen = _greedy(p)
        why = (
            f"greedy cover: {len(lines)} lines over {len(nodes)} nodes exceeds the exact "
            f"limit of {max_lines} lines over {max_nodes} nodes"
        )
        return Plan(_materialise(p, chosen), "HEURISTIC", why, missing) if chosen else None
    seed = p.fewest_for_whole()
    if seed is None:
        return None
    search = _Search(p, budget)
    if not p.split:
        search.offer(seed)
        search.run(len(seed))
        assert search.best is not None
        reason = f"fewest shipments proven ({len(seed)}) by breadth-first search"
        if search.exhausted:
            reason += "; tie-break on date and distance stopped at the search budget"
        return Plan(_materialise(p, search.best), "EXACT", reason, missing)
    most = min(len(nodes), len(p.normal) + sum(len(g) for g in p.giving))
    for k in range(max(len(seed), 1), most + 1):
        search.seen.clear()
        search.run(k)
        if search.best is not None:
            return Plan(
                _materialise(p, search.best),
                "EXACT",
                f"fewest shipments proven ({k}) by iterative deepening with split lines",
                missing,
            )
        if search.exhausted:
            break
    chosen = _greedy(p)
    why = "greedy cover: the exact search with split lines ran out of budget"
    return Plan(_materialise(p, chosen), "HEURISTIC", why, missing) if chosen else None
