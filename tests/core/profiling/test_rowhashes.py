"""Exact distinct counts of row hashes, in memory and spilled to disk."""

from __future__ import annotations

import numpy as np

from core.profiling.rowhashes import RowHashes


def test_spilled_counts_equal_in_memory_counts() -> None:
    rng = np.random.default_rng(2)
    blocks = [rng.integers(0, 2**64 - 1, 30_000, dtype=np.uint64) for _ in range(5)]
    blocks.append(blocks[0][:1234])  # duplicates across blocks
    blocks.append(np.repeat(blocks[1][:10], 3))  # and within one
    truth = np.unique(np.concatenate(blocks)).size
    memory, spilling = RowHashes(), RowHashes(memory_rows=40_000)
    for block in blocks:
        memory.add(block)
        spilling.add(block)
    assert not memory.spilled and spilling.spilled
    assert memory.distinct() == spilling.distinct() == truth
    assert spilling.count == memory.count == sum(b.size for b in blocks)
    folder = spilling._dir
    assert folder is not None and any(folder.iterdir())
    merged = RowHashes(memory_rows=40_000)
    merged.extend(spilling)
    merged.extend(memory)
    assert merged.distinct() == truth
    spilling.close()
    assert not folder.exists()


def test_one_block_with_repeats() -> None:
    hashes = RowHashes()
    hashes.add(np.array([5, 5, 7], dtype=np.uint64))
    assert hashes.distinct() == 2
    assert hashes.unique().tolist() == [5, 7]
