"""An open-addressing hash table of distinct positive int64 keys, probed with numpy for many
keys at once: how ``terms`` finds character n-grams and word pairs in the vocabularies."""

from __future__ import annotations

import numpy as np

__all__ = ["KeyTable"]


def _ranks(home: np.ndarray, size: int) -> np.ndarray:
    """Each key's rank among the keys that share its home slot (0, 1, …, in no particular order)."""
    rank = np.zeros(len(home), dtype=np.int64)
    last = np.empty(size, dtype=np.int64)
    todo = np.arange(len(home))
    taken = 0
    while len(todo):  # as many rounds as the most keys of one home: a few
        # Of the keys written to one slot one stays there, whichever: it takes the next rank.
        last[home[todo]] = todo
        won = last[home[todo]] == todo
        rank[todo[won]] = taken
        todo = todo[~won]
        taken += 1
    return rank


class KeyTable:
    """Distinct positive int64 keys and their columns in an open-addressing hash table, probed
    with numpy.

    A query costs about one probe where a binary search over 100,000 sorted keys
    takes seventeen. The table is kept at most half full and holds keys only
    (columns are read on hits), so it stays small enough for the CPU caches:
    looking up n-grams and word pairs is the inner loop of classifying new text.
    """

    _EMPTY = -1
    _MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: the high bits of key × 2^64/φ

    def __init__(self, keys: np.ndarray, columns: np.ndarray, slots: np.ndarray | None = None) -> None:
        """``slots``: where a saved table put each key (``placement``); checked, else computed."""
        keys = np.asarray(keys, dtype=np.int64)
        self.bits = max(4, (2 * len(keys)).bit_length())  # 25 to 50 % full
        home = self._slots(keys)
        slot = self._placed(home) if slots is None else np.asarray(slots, dtype=np.int64)
        if slots is not None and (slot.shape != home.shape or (slot < home).any()):
            raise ValueError("saved slots do not fit the keys")
        # Probes run on past the last home slot instead of wrapping round, into a tail that ends
        # with an empty slot.
        size = max(1 << self.bits, int(slot.max()) + 2 if len(keys) else 0)
        if size > (2 << self.bits) + 2:
            raise ValueError("saved slots run past the table")
        self.keys = np.full(size, self._EMPTY, dtype=np.int64)
        self.columns = np.zeros(size, dtype=np.int32)
        self.keys[slot] = keys
        self.columns[slot] = columns
        if slots is not None:
            self._check_probes(home, slot)

    def _placed(self, home: np.ndarray) -> np.ndarray:
        # Linear probing with the keys inserted in order of their home slot, placed without a
        # sort or a probing loop (building the tables was a fifth of the cold start): the keys
        # of home h fill the slots from max(h, where the keys of the homes before h end), that
        # is (keys homed below h) + max over g ≤ h of (g − keys homed below g).
        count = np.bincount(home, minlength=1 << self.bits)
        below = np.cumsum(count) - count
        start = below + np.maximum.accumulate(np.arange(len(count)) - below)
        return start[home] + _ranks(home, len(count))

    def _check_probes(self, home: np.ndarray, slot: np.ndarray) -> None:
        """Every key found by ``find``: one key per slot, and no empty slot between a key's home
        and its slot (any such placement answers every query as the computed one does)."""
        empty = self.keys == self._EMPTY
        if len(self.keys) - int(np.count_nonzero(empty)) != len(home):
            raise ValueError("saved slots hold two keys in one slot")
        # Empty slots in [home, slot], from a running count of empty slots (inclusive).
        empties = np.cumsum(empty, dtype=np.int32)
        if (empties[slot] - empties[home] + empty[home]).any():
            raise ValueError("saved slots leave a key out of reach of its probes")

    def placement(self) -> tuple[np.ndarray, np.ndarray]:
        """The keys' columns in ascending order, and the slot of each (what ``slots`` takes back
        when the keys are given in that order)."""
        slots = np.flatnonzero(self.keys != self._EMPTY)
        order = np.argsort(self.columns[slots], kind="stable")
        return self.columns[slots][order].astype(np.int64), slots[order]

    def parts(self) -> tuple[np.ndarray, np.ndarray, int]:
        """The slots' keys and columns and the bits of the home slot, as ``score_kernel`` reads them."""
        return self.keys, self.columns, self.bits

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        hashed = keys.view(np.uint64) * self._MULTIPLIER
        return (hashed >> np.uint64(64 - self.bits)).view(np.int64)

    def find(self, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions in ``queries`` of the keys present (in no particular order), and their columns."""
        slot = self._slots(queries)
        found = self.keys[slot]
        hit = found == queries
        positions, slots = [np.flatnonzero(hit)], [slot[hit]]
        probing = np.flatnonzero(~hit & (found != self._EMPTY))
        slot = slot[probing]
        while len(probing):  # linear probing: the next slot, until the key or an empty slot
            slot = slot + 1
            found = self.keys[slot]
            hit = found == queries[probing]
            positions.append(probing[hit])
            slots.append(slot[hit])
            more = ~hit & (found != self._EMPTY)
            probing, slot = probing[more], slot[more]
        if len(positions) == 1:
            return positions[0], self.columns[slots[0]].astype(np.int64)
        return np.concatenate(positions), self.columns[np.concatenate(slots)].astype(np.int64)
